package cli

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/netpolsim/netpolsim/live"
	"github.com/netpolsim/netpolsim/manifest"
)

const kustomizeOverlay = "../../examples/kustomize/overlay"

func TestKustomize(t *testing.T) {
	runGoldens(t, []goldenCase{
		{"matrix-kustomize.txt", []string{"matrix", "-k", kustomizeOverlay}, 0},
		// -k twice: the same objects twice are duplicates.
	})
	_, errOut, code := run(t, "", "matrix", "-k", kustomizeOverlay, "-k", kustomizeOverlay)
	if code != 2 || !strings.Contains(errOut, "overlay/kustomization.yaml: document 0: Namespace shop-prod: duplicate object, first defined at ") {
		t.Errorf("-k twice: exit %d, stderr:\n%s", code, errOut)
	}
	dir := t.TempDir()
	runErrors(t, []errorCase{
		{"-f and -k", []string{"matrix", "-f", shop, "-k", kustomizeOverlay}, "netpolsim: give -f or -k, not both"},
		{"-k without kustomization", []string{"matrix", "-k", dir}, "netpolsim: " + filepath.Join(dir, "kustomization.yaml") + ": kustomize build: "},
		{"live flags with -f", []string{"matrix", "-f", shop, "--context", "prod"}, "netpolsim: --kubeconfig, --context and -A read a live cluster; they do not go with -f or -k"},
		{"-A with -k", []string{"matrix", "-k", kustomizeOverlay, "-A"}, "netpolsim: --kubeconfig, --context and -A read a live cluster"},
		{"-n with -f on check", []string{"check", "-f", shop, "-n", "shop", "--from", "shop/a", "--to", "shop/b", "--port", "80"}, "netpolsim: -n reads one namespace of a live cluster; with -f or -k only matrix, exposure, lint and diff take it"},
		{"missing kubeconfig", []string{"matrix", "--kubeconfig", filepath.Join(dir, "nope")}, "netpolsim: kubeconfig: "},
	})
}

// fakeCluster is an API server that answers List calls from fixed pages
// (one page per list) and records the paths asked for.
type fakeCluster struct {
	mu       sync.Mutex
	lists    map[string]string // path → JSON items, without brackets
	status   map[string]int    // path → error status code
	requests []string
}

func (f *fakeCluster) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.URL.Path)
	w.Header().Set("Content-Type", "application/json")
	if code, ok := f.status[r.URL.Path]; ok {
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":%q,"code":%d}`, http.StatusText(code), code)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/apis/policy.networking.k8s.io") {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}`)
		return
	}
	fmt.Fprintf(w, `{"kind":"List","apiVersion":"v1","metadata":{},"items":[%s]}`, f.lists[r.URL.Path])
}

func (f *fakeCluster) paths() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

func podJSON(ns, name, app, ip string) string {
	return fmt.Sprintf(`{"metadata":{"namespace":%q,"name":%q,"labels":{"app":%q}},"spec":{"containers":[{"name":"c","image":"i","ports":[{"name":"http","containerPort":8080}]}]},"status":{"phase":"Running","podIP":%q,"podIPs":[{"ip":%q}]}}`, ns, name, app, ip, ip)
}

// liveClusters starts two fake API servers, a (pods in shop and in dev,
// a policy in shop that lets only app=web in) and b (one pod in ops), and
// writes a kubeconfig with contexts a (namespace shop, the current one)
// and b.
func liveClusters(t *testing.T) (kubeconfig string, a, b *fakeCluster) {
	t.Helper()
	a = &fakeCluster{lists: map[string]string{}, status: map[string]int{}}
	shopPods := podJSON("shop", "web", "web", "10.0.0.1") + "," + podJSON("shop", "db", "db", "10.0.0.2")
	devPods := podJSON("dev", "tool", "tool", "10.0.1.1")
	a.lists["/api/v1/namespaces/shop/pods"] = shopPods
	a.lists["/api/v1/namespaces/dev/pods"] = devPods
	a.lists["/api/v1/pods"] = devPods + "," + shopPods
	policy := `{"metadata":{"namespace":"shop","name":"db"},"spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"web"}}}]}]}}`
	a.lists["/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies"] = policy
	a.lists["/apis/networking.k8s.io/v1/networkpolicies"] = policy
	a.lists["/api/v1/namespaces"] = `{"metadata":{"name":"shop"}},{"metadata":{"name":"dev"}}`
	b = &fakeCluster{lists: map[string]string{}, status: map[string]int{}}
	b.lists["/api/v1/pods"] = podJSON("ops", "mon", "mon", "10.1.0.1")
	srvA, srvB := httptest.NewServer(a), httptest.NewServer(b)
	t.Cleanup(srvA.Close)
	t.Cleanup(srvB.Close)
	kubeconfig = filepath.Join(t.TempDir(), "kubeconfig")
	config := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
  - {name: a, cluster: {server: %q}}
  - {name: b, cluster: {server: %q}}
users:
  - {name: u, user: {}}
contexts:
  - {name: a, context: {cluster: a, user: u, namespace: shop}}
  - {name: b, context: {cluster: b, user: u}}
current-context: a
`, srvA.URL, srvB.URL)
	if err := os.WriteFile(kubeconfig, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return kubeconfig, a, b
}

// TestLive reads fake clusters through the kubeconfig flags: the current
// context and its namespace, $KUBECONFIG, --context, -n and -A.
func TestLive(t *testing.T) {
	noKubeconfig(t)
	kubeconfig, a, b := liveClusters(t)

	// The current context (a) and its namespace (shop).
	out, errOut, code := run(t, "", "matrix", "--kubeconfig", kubeconfig)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := "FROM      TO        PORTS\nshop/db   shop/web  all\nshop/web  shop/db   all\n\n2 endpoints, 2 connections; a pair not listed has nothing allowed.\n"
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("matrix --kubeconfig (-want +got):\n%s", diff)
	}
	if got := a.paths(); !slices.Contains(got, "/api/v1/namespaces/shop/pods") || slices.Contains(got, "/api/v1/pods") {
		t.Errorf("requests %v, want pods of namespace shop only", got)
	}

	// $KUBECONFIG, -n overriding the context's namespace.
	t.Setenv("KUBECONFIG", kubeconfig)
	out, errOut, code = run(t, "", "matrix", "-n", "dev")
	if code != 0 || !strings.Contains(out, "1 endpoint, 0 connections") {
		t.Errorf("matrix -n dev: exit %d, stdout %q, stderr %q", code, out, errOut)
	}

	// -A reads every namespace; the policy keeps dev/tool from shop/db.
	out, errOut, code = run(t, "", "matrix", "-A")
	if code != 0 || !strings.Contains(out, "dev/tool  shop/web  all") || strings.Contains(out, "dev/tool  shop/db") || !strings.Contains(out, "3 endpoints, 5 connections") {
		t.Errorf("matrix -A: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// With -n, matrix still shows one namespace.
	out, errOut, code = run(t, "", "matrix", "-A", "-n", "dev", "-o", "json")
	if code != 0 || !strings.Contains(out, `"id": "dev/tool"`) || strings.Contains(out, "shop/") {
		t.Errorf("matrix -A -n dev: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if !slices.Contains(a.paths(), "/api/v1/pods") {
		t.Errorf("-A did not list pods in all namespaces: %v", a.paths())
	}

	// --context b.
	out, errOut, code = run(t, "", "check", "--context", "b", "--all-namespaces", "--from", "ops/mon", "--to", "ops/mon", "--port", "80")
	if code != 0 {
		t.Errorf("check --context b: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if len(b.paths()) == 0 {
		t.Error("--context b asked nothing of cluster b")
	}

	// Nodes that may not be listed: a notice, counted; an error with
	// --strict.
	a.status["/api/v1/nodes"] = http.StatusForbidden
	out, errOut, code = run(t, "", "matrix")
	wantErr := "netpolsim: nodes: cannot list nodes (forbidden, needs list on nodes), so node addresses are not known: traffic from a node counts as traffic from outside the cluster (simulate.NodeAddresses can give them)\nnetpolsim: 1 notice; --strict makes them errors\n"
	if code != 0 || !strings.Contains(out, "2 endpoints, 2 connections") || errOut != wantErr {
		t.Errorf("nodes forbidden: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	out, errOut, code = run(t, "", "matrix", "--strict")
	if code != 2 || out != "" || !strings.HasSuffix(errOut, "\nnetpolsim: 1 notice, errors with --strict\n") {
		t.Errorf("nodes forbidden, --strict: exit %d, stdout %q, stderr %q", code, out, errOut)
	}

	// A refused list.
	a.status["/api/v1/namespaces/shop/services"] = http.StatusForbidden
	out, errOut, code = run(t, "", "matrix")
	if code != 2 || out != "" || errOut != "netpolsim: cannot list services in namespace shop: forbidden (needs list on services)\n" {
		t.Errorf("forbidden: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestProgressLine checks that the progress line shows only once the read
// has taken longer than the threshold, and is cleared at the end.
func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	clock := time.Unix(0, 0)
	progress, done := progressLine(&buf, func() time.Time { return clock }, time.Second)
	progress(live.Progress{Resource: "namespaces", Items: 3, Remaining: -1, Done: true})
	if buf.Len() != 0 {
		t.Fatalf("printed %q before the threshold", buf.String())
	}
	clock = clock.Add(2 * time.Second)
	progress(live.Progress{Resource: "pods", Namespace: "shop", Items: 500, Remaining: 1200})
	progress(live.Progress{Resource: "pods", Items: 1700, Remaining: -1, Done: true})
	done()
	want := "\r\033[Kreading pods in shop: 500 (about 1200 more)\r\033[Kreading pods: 1700\r\033[K"
	if got := buf.String(); got != want {
		t.Errorf("progress output %q, want %q", got, want)
	}

	buf.Reset()
	_, done = progressLine(&buf, time.Now, time.Hour)
	done()
	if buf.Len() != 0 {
		t.Errorf("a read that showed nothing cleared the line: %q", buf.String())
	}
	if isTerminal(&buf) {
		t.Error("a buffer is a terminal")
	}
}

// TestLiveAPIServer runs commands against the real kube-apiserver that
// .ci/run starts (see live/apiserver_test.go); skipped without it.
func TestLiveAPIServer(t *testing.T) {
	kubeconfig := os.Getenv("NETPOLSIM_TEST_KUBECONFIG")
	if kubeconfig == "" {
		t.Skip("NETPOLSIM_TEST_KUBECONFIG is not set, so there is no kube-apiserver to test against; .ci/run starts one with scripts/kube-apiserver.sh")
	}
	// A pod of this test's own, so that the cluster has one whatever the
	// order in which packages' tests run against the server.
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "cli-live"}}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "cli-live", Name: "web", Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "registry.example/web:1"}}}}
	if _, err := cs.CoreV1().Pods("cli-live").Create(ctx, pod, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	out, errOut, code := run(t, "", "matrix", "--kubeconfig", kubeconfig, "-A", "-o", "json")
	if code != 0 || !strings.Contains(out, `"id": "cli-live/web"`) {
		t.Errorf("matrix -A: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// The namespaced user has no right outside the namespaces the live
	// test grants it.
	out, errOut, code = run(t, "", "matrix", "--kubeconfig", kubeconfig, "--context", "namespaced", "-A")
	if want := "netpolsim: cannot list namespaces: forbidden (needs list on namespaces)\n"; code != 2 || out != "" || errOut != want {
		t.Errorf("matrix --context namespaced -A: exit %d, stdout %q, stderr %q; want stderr %q", code, out, errOut, want)
	}
}

// TestReadProgressLine checks the loader's progress line: nothing in the
// first second, then bytes of the total (or bytes alone), throttled, and
// cleared at the end.
func TestReadProgressLine(t *testing.T) {
	var buf bytes.Buffer
	clock := time.Unix(0, 0)
	progress, done := readProgressLine(&buf, func() time.Time { return clock }, time.Second)
	progress(manifest.ReadProgress{Name: "big.json", Read: 4 << 20, Total: 10 << 20})
	if buf.Len() != 0 {
		t.Fatalf("progress shown before a second: %q", buf.String())
	}
	clock = clock.Add(2 * time.Second)
	progress(manifest.ReadProgress{Name: "big.json", Read: 8 << 20, Total: 10 << 20})
	progress(manifest.ReadProgress{Name: "big.json", Read: 9 << 20, Total: 10 << 20}) // too soon
	clock = clock.Add(progressInterval)
	progress(manifest.ReadProgress{Name: "-", Read: 3 << 19, Total: -1, Done: true})
	done()
	done() // once only
	want := "\r\x1b[Kreading big.json: 8.0 of 10.0 MB\r\x1b[Kreading -: 1.5 MB\r\x1b[K"
	if got := buf.String(); got != want {
		t.Errorf("progress output %q, want %q", got, want)
	}
}
