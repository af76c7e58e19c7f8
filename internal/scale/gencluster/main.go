// Command gencluster writes a generated cluster (see package scale) as JSON
// manifests, one v1 List per kind, for whole-CLI runs at scale:
//
//	go run ./internal/scale/gencluster -pods 150000 -policies 300000 -o /tmp/limits
//	go run ./internal/scale/gencluster -pods 150000 -policies 300000 -changed -o /tmp/limits-changed
//
// With -changed, 1% of the policies differ (see scale.ChangePolicies), for
// diff runs. With -cluster-policies N, N ClusterNetworkPolicies (see
// scale.WithClusterPolicies) go to clusternetworkpolicies.json.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/netpolsim/netpolsim/internal/scale"
)

func main() {
	pods := flag.Int("pods", 150000, "number of pods")
	policies := flag.Int("policies", 300000, "number of NetworkPolicies")
	changed := flag.Bool("changed", false, "change 1% of the policies")
	clusterPolicies := flag.Int("cluster-policies", 0, "number of ClusterNetworkPolicies")
	out := flag.String("o", "", "directory to write (created)")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: gencluster [-pods N] [-policies N] [-cluster-policies N] [-changed] -o DIR")
		os.Exit(2)
	}
	if err := run(*pods, *policies, *clusterPolicies, *changed, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gencluster:", err)
		os.Exit(1)
	}
}

func run(pods, policies, clusterPolicies int, changed bool, dir string) error {
	o := scale.Generate(pods, policies)
	if clusterPolicies > 0 {
		o = scale.WithClusterPolicies(o, clusterPolicies)
	}
	if changed {
		o = scale.ChangePolicies(o)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	lists := []struct {
		file  string
		items any
	}{
		{"namespaces.json", o.Namespaces},
		{"nodes.json", o.Nodes},
		{"pods.json", o.Pods},
		{"services.json", o.Services},
		{"networkpolicies.json", o.NetworkPolicies},
	}
	if len(o.ClusterNetworkPolicies) > 0 {
		lists = append(lists, struct {
			file  string
			items any
		}{"clusternetworkpolicies.json", o.ClusterNetworkPolicies})
	}
	for _, l := range lists {
		data, err := json.Marshal(map[string]any{"apiVersion": "v1", "kind": "List", "items": l.items})
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, l.file), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
