package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The report is tested in a real headless Chromium: Debian's chromium
// package, which .ci/run installs. Without a browser these tests skip,
// unless NETPOLSIM_REQUIRE_BROWSER=1 (as in CI), when they fail.
// NETPOLSIM_CHROMIUM names another browser binary.

const screenshotWidth, screenshotHeight = 1200, 1400

// chromium returns the browser to test with, or skips the test.
func chromium(t *testing.T) string {
	t.Helper()
	path := os.Getenv("NETPOLSIM_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("NETPOLSIM_REQUIRE_BROWSER") == "1" {
			t.Fatalf("NETPOLSIM_REQUIRE_BROWSER=1 but no browser: %v (install Debian's chromium, or set NETPOLSIM_CHROMIUM)", err)
		}
		t.Skipf("no browser at %s (set NETPOLSIM_CHROMIUM, or NETPOLSIM_REQUIRE_BROWSER=1 to fail instead)", path)
	}
	return path
}

// browserRun is what one headless load of a page gave.
type browserRun struct {
	dom      string   // the document after its scripts ran (--dump-dom)
	console  []string // every console message and uncaught error
	shotPath string   // the screenshot, screenshotWidth × screenshotHeight
}

var consoleRE = regexp.MustCompile(`:CONSOLE[:(]\d+\)?\] (.*)`)

// loadInBrowser opens the file page in a fresh headless browser profile,
// with the network features that phone home turned off, and returns the
// DOM, the console and a screenshot.
func loadInBrowser(t *testing.T, page string) browserRun {
	t.Helper()
	bin := chromium(t)
	dir := t.TempDir()
	abs, err := filepath.Abs(page)
	if err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "screenshot.png")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin,
		"--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-first-run", "--no-default-browser-check", "--disable-extensions",
		"--user-data-dir="+filepath.Join(dir, "profile"),
		"--hide-scrollbars", "--force-device-scale-factor=1",
		fmt.Sprintf("--window-size=%d,%d", screenshotWidth, screenshotHeight),
		"--enable-logging=stderr", "--v=0",
		"--screenshot="+shot, "--dump-dom",
		"file://"+abs)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			t.Fatalf("%s timed out; stderr:\n%s", bin, stderr.String())
		}
		t.Fatalf("%s: %v; stderr:\n%s", bin, err, stderr.String())
	}
	r := browserRun{dom: stdout.String(), shotPath: shot}
	for _, m := range consoleRE.FindAllStringSubmatch(stderr.String(), -1) {
		r.console = append(r.console, m[1])
	}
	return r
}

// TestBrowserHarness makes sure the harness sees what it must fail on: a
// console error and an uncaught exception.
func TestBrowserHarness(t *testing.T) {
	t.Parallel()
	page := filepath.Join(t.TempDir(), "bad.html")
	const bad = `<!DOCTYPE html><html><body><p id="x">x</p><script>console.error("harness-console-error"); document.getElementById("x").textContent = "ran"; noSuchFunction();</script></body></html>`
	if err := os.WriteFile(page, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	r := loadInBrowser(t, page)
	got := strings.Join(r.console, "\n")
	if !strings.Contains(got, "harness-console-error") || !strings.Contains(got, "noSuchFunction") {
		t.Errorf("the harness missed a console error or an exception; console:\n%s", got)
	}
	if !strings.Contains(r.dom, `<p id="x">ran</p>`) {
		t.Errorf("the DOM is not the one after the script ran:\n%s", r.dom)
	}
}

// TestReportInBrowser loads the shop example's report: the heat map has
// its cells after the page's script ran, nothing is logged on the console,
// and the screenshot matches testdata/report-shop.png loosely.
func TestReportInBrowser(t *testing.T) {
	t.Parallel()
	chromium(t)
	file := filepath.Join(t.TempDir(), "shop.html")
	if _, errOut, code := run(t, "", "report", "-f", shop, "-o", file, "--title", "netpolsim report: shop"); code != exitOK {
		t.Fatalf("report: exit %d: %s", code, errOut)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	r := loadInBrowser(t, file)
	if len(r.console) > 0 {
		t.Errorf("the console is not empty:\n%s", strings.Join(r.console, "\n"))
	}
	if !strings.Contains(r.dom, `data-ready="1"`) || strings.Contains(r.dom, "data-errors=") {
		t.Errorf("the page's script did not run to its end without errors: %.300s", r.dom)
	}
	want := heatCells(t, string(raw))
	got := heatCells(t, r.dom)
	if len(want) != 16 {
		t.Fatalf("the shop page has %d cells, want 16", len(want))
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || g != w {
			t.Errorf("cell %s → %s in the browser: %+v, want %+v", k[0], k[1], g, w)
		}
	}
	counts := map[string]int{}
	for _, c := range want {
		counts[c.level]++
	}
	wantCounts := fmt.Sprintf(`data-counted="16" data-counts="all=%d ports=%d partial=%d none=%d self=%d"`, counts["all"], counts["ports"], counts["partial"], counts["none"], counts["self"])
	if !strings.Contains(r.dom, wantCounts) {
		t.Errorf("the script counted other cells than the page has; want %s in\n%.600s", wantCounts, r.dom[strings.Index(r.dom, `<table class="heat"`):])
	}
	checkScreenshot(t, r.shotPath, filepath.Join("testdata", "report-shop.png"))
}

// checkScreenshot compares the screenshot with the golden one loosely: the
// same size, not blank, the heat map's colors present, and at most 3% of
// its blocks clearly different in mean color.
// -update keeps the new screenshot as the golden one.
func checkScreenshot(t *testing.T, got, golden string) {
	t.Helper()
	img := readPNG(t, got)
	b := img.Bounds()
	if b.Dx() != screenshotWidth || b.Dy() != screenshotHeight {
		t.Fatalf("screenshot is %dx%d, want %dx%d", b.Dx(), b.Dy(), screenshotWidth, screenshotHeight)
	}
	colors := map[color.RGBA]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			colors[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 255}]++
		}
	}
	if len(colors) < 16 {
		t.Errorf("the screenshot is nearly blank: %d colors", len(colors))
	}
	// Six cells of the "ports" color (#e59866), each about 14×14 pixels.
	if n := colors[color.RGBA{0xe5, 0x98, 0x66, 255}]; n < 6*12*12 {
		t.Errorf("the screenshot shows %d pixels of the heat map's ports color, want at least %d", n, 6*12*12)
	}
	if *update {
		data, err := os.ReadFile(got)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := readPNG(t, golden)
	if want.Bounds() != b {
		t.Fatalf("screenshot is %v, golden %s is %v", b, golden, want.Bounds())
	}
	// Compare 16×16 blocks by their mean color, so that glyphs rendered a
	// little differently (another font version) do not count, while a
	// section that moved, vanished or changed color does.
	const block = 16
	differ, blocks := 0, 0
	for y := b.Min.Y; y+block <= b.Max.Y; y += block {
		for x := b.Min.X; x+block <= b.Max.X; x += block {
			blocks++
			if farApart(blockMean(img, x, y, block), blockMean(want, x, y, block)) {
				differ++
			}
		}
	}
	if frac := float64(differ) / float64(blocks); frac > 0.03 {
		keep := filepath.Join(os.TempDir(), "netpolsim-report-shop.png")
		data, _ := os.ReadFile(got)
		os.WriteFile(keep, data, 0o644)
		t.Errorf("%.1f%% of the screenshot's %d×%d blocks differ from %s (kept the new one as %s; go test -update to accept it)", 100*frac, block, block, golden, keep)
	}
}

// blockMean is the mean color of the size×size block at x, y.
func blockMean(img image.Image, x0, y0, size int) color.Color {
	var r, g, b uint64
	for y := y0; y < y0+size; y++ {
		for x := x0; x < x0+size; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			r, g, b = r+uint64(cr), g+uint64(cg), b+uint64(cb)
		}
	}
	n := uint64(size * size)
	return color.RGBA64{uint16(r / n), uint16(g / n), uint16(b / n), 0xffff}
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// farApart reports whether two colors differ by more than 32 (of 255) in
// a channel.
func farApart(a, b color.Color) bool {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	d := func(x, y uint32) bool { return max(x, y)-min(x, y) > 32<<8 }
	return d(ar, br) || d(ag, bg) || d(ab, bb)
}
