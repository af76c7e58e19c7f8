package graph_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/netpolsim/netpolsim/graph"
	"github.com/netpolsim/netpolsim/manifest"
	"github.com/netpolsim/netpolsim/simulate"
)

// manifests is a small shop: web takes HTTPS from anywhere, api takes HTTP
// from web, db takes PostgreSQL from api; and a metrics scraper that no
// policy isolates, so every pod reaches it.
const manifests = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, ports: [{name: https, containerPort: 8443}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: postgres, ports: [{name: pg, containerPort: 5432}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: scraper, namespace: monitoring, labels: {app: scraper}}
spec: {containers: [{name: scraper}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{ports: [{port: https}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: http}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{from: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: pg}]}]
`

// load compiles the manifests above.
func load() *simulate.Model {
	res, err := manifest.LoadReader("shop.yaml", strings.NewReader(manifests))
	if err != nil {
		log.Fatal(err)
	}
	m, err := simulate.Compile(res.Cluster)
	if err != nil {
		log.Fatal(err)
	}
	return m
}

// The blast radius of a compromised web pod: what it reaches hop by hop,
// and how.
func Example() {
	m := load()
	g, err := graph.New(m, graph.ByWorkload())
	if err != nil {
		log.Fatal(err)
	}
	web := g.NodeOf(simulate.PodID{Namespace: "shop", Name: "web-1"})
	r := graph.Reach(g, web, 3)
	for _, n := range r.Nodes() {
		hops, _ := r.Hops(n.ID())
		fmt.Printf("%d hops: %s\n", hops, r.Path(n.ID()))
	}
	// Output:
	// 1 hops: shop/web -(all)-> monitoring/scraper
	// 1 hops: shop/web -(TCP/8080)-> shop/api
	// 2 hops: shop/web -(TCP/8080)-> shop/api -(TCP/5432)-> shop/db
}

func ExampleFromOutside() {
	g, err := graph.New(load(), graph.ByWorkload(), graph.Outside())
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range graph.FromOutside(g, g.NodeNamed("shop/db"), 4) {
		fmt.Println(p)
	}
	// Output:
	// outside -(TCP/8443)-> shop/web -(TCP/8080)-> shop/api -(TCP/5432)-> shop/db
	// outside -(all)-> monitoring/scraper -(TCP/8443)-> shop/web -(TCP/8080)-> shop/api -(TCP/5432)-> shop/db
}

func ExampleReachedBy() {
	g, err := graph.New(load(), graph.ByWorkload(), graph.Outside())
	if err != nil {
		log.Fatal(err)
	}
	r := graph.ReachedBy(g, g.NodeNamed("shop/db"), 2)
	for _, n := range r.Nodes() {
		hops, _ := r.Hops(n.ID())
		fmt.Println(n, hops)
	}
	// Output:
	// shop/api 1
	// shop/web 2
}

func ExampleStronglyConnected() {
	g, err := graph.New(load(), graph.ByWorkload())
	if err != nil {
		log.Fatal(err)
	}
	// The scraper, open to every pod, closes a loop through the whole shop:
	// scraper → web → api → db → scraper.
	for _, group := range graph.StronglyConnected(g) {
		fmt.Println(group)
	}
	// Output:
	// [monitoring/scraper shop/api shop/db shop/web]
}

func ExampleRestrict() {
	g, err := graph.New(load(), graph.ByWorkload())
	if err != nil {
		log.Fatal(err)
	}
	pg, err := graph.Restrict(g, simulate.PortSpec{Protocol: "TCP", Name: "pg"})
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range pg.Edges() {
		fmt.Println(e)
	}
	// Output:
	// shop/api -(TCP/5432)-> shop/db
}

func ExampleAllPaths() {
	g, err := graph.New(load())
	if err != nil {
		log.Fatal(err)
	}
	from, to := g.NodeNamed("shop/web-0"), g.NodeNamed("shop/db-0")
	for _, p := range graph.AllPaths(g, from, to, 3) {
		fmt.Println(p.Len(), p)
	}
	// Output:
	// 2 shop/web-0 -(TCP/8080)-> shop/api-0 -(TCP/5432)-> shop/db-0
	// 3 shop/web-0 -(TCP/8443)-> shop/web-1 -(TCP/8080)-> shop/api-0 -(TCP/5432)-> shop/db-0
}

func ExampleDOT() {
	g, err := graph.New(load(), graph.ByWorkload())
	if err != nil {
		log.Fatal(err)
	}
	src, err := graph.DOT(g)
	if err != nil {
		log.Fatal(err)
	}
	// Pipe src to `dot -Tsvg` for a picture; here, just the edges.
	for _, line := range strings.Split(string(src), "\n") {
		if strings.Contains(line, "->") {
			fmt.Println(strings.TrimSpace(line))
		}
	}
	// Output:
	// "monitoring/scraper" -> "shop/web" [label="TCP/8443"];
	// "shop/api" -> "monitoring/scraper" [label="all ports"];
	// "shop/api" -> "shop/db" [label="TCP/5432"];
	// "shop/api" -> "shop/web" [label="TCP/8443"];
	// "shop/db" -> "monitoring/scraper" [label="all ports"];
	// "shop/db" -> "shop/web" [label="TCP/8443"];
	// "shop/web" -> "monitoring/scraper" [label="all ports"];
	// "shop/web" -> "shop/api" [label="TCP/8080"];
}
