package live_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"k8s.io/client-go/rest"

	"github.com/netpolsim/netpolsim/live"
	"github.com/netpolsim/netpolsim/simulate"
)

// Read a namespace of a cluster and print who may reach whom. A stand-in
// API server answers here; a program would load the rest.Config from a
// kubeconfig with k8s.io/client-go/tools/clientcmd.
func ExampleRead() {
	lists := map[string]string{
		"/api/v1/namespaces/shop/pods": `{"metadata":{"namespace":"shop","name":"web","labels":{"app":"web"}},"status":{"phase":"Running","podIP":"10.0.0.1"}},
			{"metadata":{"namespace":"shop","name":"db","labels":{"app":"db"}},"status":{"phase":"Running","podIP":"10.0.0.2"}},
			{"metadata":{"namespace":"shop","name":"migrate-x1","labels":{"app":"migrate"}},"status":{"phase":"Succeeded","podIP":"10.0.0.3"}}`,
		"/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies": `{"metadata":{"namespace":"shop","name":"db"},
			"spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"web"}}}],"ports":[{"port":5432}]}]}}`,
	}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/apis/policy.networking.k8s.io" {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}`)
			return
		}
		fmt.Fprintf(w, `{"kind":"List","apiVersion":"v1","metadata":{},"items":[%s]}`, lists[r.URL.Path])
	}))
	defer api.Close()

	res, err := live.Read(context.Background(), &rest.Config{Host: api.URL}, live.Options{Namespace: "shop"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, n := range res.Notices {
		fmt.Println(n)
	}
	model, err := simulate.Compile(res.Cluster)
	if err != nil {
		fmt.Println(err)
		return
	}
	for p := range model.Matrix().All() {
		fmt.Printf("%s → %s: %s\n", p.From, p.To, p.Ports)
	}
	// Output:
	// live: pods: left out 1 pod in phase Succeeded or Failed: they run nothing, and their addresses may belong to other pods now
	// shop/db → shop/web: all
	// shop/web → shop/db: TCP/5432
}
