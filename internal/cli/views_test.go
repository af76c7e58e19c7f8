package cli

import "testing"

const (
	rollout     = "testdata/rollout"
	rolloutOpen = "testdata/rollout-open"
)

// TestGoldenRollout runs the commands over workloads on a Deployment whose
// pods differ (a rollout), where "every member" and "any member" disagree:
// matrix and diff --group workload speak of every member, graph of any.
func TestGoldenRollout(t *testing.T) {
	runGoldens(t, []goldenCase{
		{"matrix-rollout-workload.txt", []string{"matrix", "-f", rollout, "--group", "workload"}, 0},
		{"matrix-rollout.txt", []string{"matrix", "-f", rollout}, 0},
		{"diff-rollout-workload.txt", []string{"diff", rollout, rolloutOpen, "--group", "workload"}, 1},
		{"graph-rollout.txt", []string{"graph", "-f", rollout, "--outside=false"}, 0},
		{"explain-rollout-db.txt", []string{"explain", "-f", rollout, "shop/db-0"}, 0},
	})
}
