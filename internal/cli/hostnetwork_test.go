package cli

import (
	"strings"
	"testing"
)

// TestHostNetworkPodsFlag: --hostnetwork-pods=pod makes a hostNetwork pod a
// policy subject (a default deny then holds for it); node, the default,
// does not; any other value is a usage problem.
func TestHostNetworkPodsFlag(t *testing.T) {
	const manifests = `apiVersion: v1
kind: Pod
metadata: {namespace: x, name: host, labels: {app: host}}
spec:
  hostNetwork: true
  containers: [{name: c, image: c}]
---
apiVersion: v1
kind: Pod
metadata: {namespace: x, name: client, labels: {app: client}}
spec:
  containers: [{name: c, image: c}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {namespace: x, name: deny}
spec:
  podSelector: {}
`
	for _, tc := range []struct {
		mode string
		code int
	}{{"", 0}, {"node", 0}, {"pod", 1}} {
		args := []string{"check", "-f", "-", "--from", "x/client", "--to", "x/host", "--port", "80"}
		if tc.mode != "" {
			args = append(args, "--hostnetwork-pods="+tc.mode)
		}
		out, errOut, code := run(t, manifests, args...)
		if code != tc.code {
			t.Errorf("--hostnetwork-pods=%q: exit %d, want %d\n%s%s", tc.mode, code, tc.code, out, errOut)
		}
	}
	_, errOut, code := run(t, manifests, "check", "-f", "-", "--from", "x/client", "--to", "x/host", "--port", "80", "--hostnetwork-pods=bridge")
	if code != 2 || !strings.Contains(errOut, `--hostnetwork-pods "bridge": want node or pod`) {
		t.Errorf("--hostnetwork-pods=bridge: exit %d, stderr %q; want 2 and the problem", code, errOut)
	}
}
