package cli

import (
	"fmt"
	"io"
	"strings"
)

// This file writes diff -o md: a Markdown summary of a diff, fit to post as
// a pull-request comment. Each list is a section with its count in the
// heading, and lists longer than the limit show their first rows and count
// the rest, so that a large change stays readable (and under the size
// limits of comment services).

// defaultMarkdownLimit is the default of diff --limit.
const defaultMarkdownLimit = 50

// mdCell escapes s for a Markdown table cell: pipes and line breaks would
// end the cell or the row.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

// mdCode renders s as inline code that a backtick inside cannot end.
func mdCode(s string) string {
	if strings.Contains(s, "`") {
		return "`` " + mdCell(s) + " ``"
	}
	return "`" + mdCell(s) + "`"
}

// capped returns how many of n rows to show under limit (0: no limit).
func capped(n, limit int) int {
	if limit > 0 && n > limit {
		return limit
	}
	return n
}

// writeMore counts the rows a section left out.
func writeMore(w io.Writer, n, shown int) {
	if n > shown {
		fmt.Fprintf(w, "\n… and %d more (`netpolsim diff -o json` lists them all).\n", n-shown)
	}
}

// writeDiffMarkdown writes r as Markdown: a heading and the summary line,
// then a section per non-empty list (connections added, removed, of
// endpoints only in NEW, changed, exposure changed, endpoints only in OLD
// and only in NEW), each with at most limit
// rows (0: all). It costs O(rows shown).
func writeDiffMarkdown(w io.Writer, r diffResult, limit int) {
	fmt.Fprintln(w, "### netpolsim diff: reachability")
	fmt.Fprintln(w)
	if r.empty() {
		fmt.Fprintf(w, "**No change** in who may reach whom: %d %s on both sides.\n", r.shared, plural(r.shared, "endpoint", "endpoints"))
		return
	}
	fmt.Fprintf(w, "**%s**\n", r.summary())
	for _, sec := range []struct {
		title string
		conns []connection
	}{{"Connections added", r.Added}, {"Connections removed", r.Removed}, {"Connections of endpoints only in NEW", r.New}} {
		if len(sec.conns) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n#### %s (%d)\n\n", sec.title, len(sec.conns))
		fmt.Fprintln(w, "| from | to | ports |")
		fmt.Fprintln(w, "|---|---|---|")
		shown := capped(len(sec.conns), limit)
		for _, cn := range sec.conns[:shown] {
			fmt.Fprintf(w, "| %s | %s | %s |\n", mdCode(cn.From), mdCode(cn.To), mdCell(cn.set.String()))
		}
		writeMore(w, len(sec.conns), shown)
	}
	for _, sec := range []struct {
		title   string
		changes []diffChange
	}{{"Connections changed", r.Changed}, {"Exposure to outside the cluster changed", r.Exposure}} {
		if len(sec.changes) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n#### %s (%d)\n\n", sec.title, len(sec.changes))
		fmt.Fprintln(w, "| from | to | before | after | change |")
		fmt.Fprintln(w, "|---|---|---|---|---|")
		shown := capped(len(sec.changes), limit)
		for _, ch := range sec.changes[:shown] {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", mdCode(ch.From), mdCode(ch.To),
				mdCell(ch.change.Before.String()), mdCell(ch.change.After.String()), mdCell(ch.change.Summary()))
		}
		writeMore(w, len(sec.changes), shown)
	}
	for _, sec := range []struct {
		side string
		eps  []endpoint
	}{{"OLD", r.EndpointsRemoved}, {"NEW", r.EndpointsAdded}} {
		if len(sec.eps) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n#### Endpoints only in %s (%d)\n\n", sec.side, len(sec.eps))
		if sec.side == "OLD" {
			fmt.Fprintln(w, "They are gone with their connections.")
		} else {
			fmt.Fprintln(w, "Their connections are listed above, not compared.")
		}
		fmt.Fprintln(w)
		shown := capped(len(sec.eps), limit)
		for _, ep := range sec.eps[:shown] {
			fmt.Fprintf(w, "- %s (%s)\n", mdCode(ep.ID), mdCell(ep.Kind))
		}
		writeMore(w, len(sec.eps), shown)
	}
}
