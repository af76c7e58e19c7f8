// Package graph turns a compiled simulate.Model into a directed reachability
// graph that gonum's algorithms understand, so that multi-hop questions —
// "what can a compromised frontend reach in three hops?", "is there any path
// from the internet to the database?" — get exact answers, and so that the
// graph can be drawn.
//
// # The graph
//
// New builds a *Graph, which implements gonum's graph.Directed. A node is a
// pod or, with the ByWorkload option, a workload (the pods of one
// Deployment, StatefulSet, DaemonSet, ...; see simulate.Model.Workloads; a pod
// without an owner stays a node of its own). With the Outside option one
// more node, named "outside", stands for every address outside the cluster.
//
// An edge u→v exists when u may open a connection to v on at least one port,
// and carries the ports it may use (Edge.Ports). Between pods these are
// exactly the ports of simulate.Matrix.Ports; the graph has no self loops,
// since a pod (or workload) reaching itself says nothing about reaching
// others.
//
// Between workloads an edge u→v means, by default, that some pod of u may
// reach some pod of v, on the union of their ports. This is the safe
// over-approximation for security questions: the pods of a workload run the
// same code, so an attacker who holds one may be assumed to be able to take
// any of them, and a path the pod graph has is never missing from the
// workload graph. The EveryMember option gives the strict reading of
// netpolsim matrix --group workload instead: an edge only when every pod of u
// may reach every pod of v, on the ports they all allow. Use a pod graph
// (the default) for exact per-pod answers.
//
// New takes the edges from the model's class view, expanded to nodes only
// for output: simulate.Matrix.All for a pod graph and
// simulate.Model.WorkloadPairs for a workload graph. It never asks for every
// pair of pods, and it reads no container port itself: named ports are the
// model's (simulate.Model.NamedPort).
//
// Edges from the outside node say which pods some address outside the
// cluster may reach, and on which ports: the model's answer for every
// such address at once (simulate.Model.AddressAccess, asked once per class
// with simulate.Model.ClassAddressAccess; see Outside). Edges to the outside node (traffic leaving the cluster) come only
// with OutsideEgress, for drawing: without it the outside node is only ever
// a source, which is what attack paths between pods want.
//
// Node IDs are deterministic: the nodes sorted by name get IDs 0, 1, 2, ...
// and the outside node, when present, gets the next ID after them, so the
// IDs of pods do not depend on whether the outside node is there.
// Graph.NodeNamed and Graph.NodeOf look nodes up by name and by pod.
//
// Restrict gives the graph of one port ("the TCP/5432 graph"): only the
// edges that allow it, each carrying only the ports of the restriction.
//
// # Questions
//
// The questions are functions that take the narrowest gonum interface they
// need and return values to query, in the manner of gonum's path package:
//
//   - Reach(g, from, k): the nodes from reaches within k hops, with their hop
//     distance and a shortest path to each (the blast radius of from);
//   - ReachedBy(g, to, k): the nodes that reach to within k hops;
//   - ShortestPath(g, from, to) and AllPaths(g, from, to, maxHops): paths with
//     the ports allowed on every hop;
//   - FromOutside(g, to, maxHops): every path from the outside node to to;
//   - StronglyConnected(g): the groups of nodes that can all reach each other.
//
// They use gonum's traverse, path and topo packages, and every other gonum
// algorithm works on a *Graph as well.
//
// # Pictures
//
// DOT renders a graph in Graphviz's DOT language with gonum's encoding/dot:
// one cluster per namespace, edges labelled with their ports, and nodes
// isolated for ingress drawn differently from the nodes that accept any
// connection.
package graph
