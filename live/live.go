package live

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/client-go/rest"
	sigsjson "sigs.k8s.io/json"

	"github.com/netpolsim/netpolsim/simulate"
)

// DefaultPageSize is the number of objects a List call asks for when
// [Options.PageSize] is 0; kubectl asks for as many.
const DefaultPageSize = 500

// Options says what [Read] reads and how. The zero value reads all
// namespaces in pages of [DefaultPageSize] without reporting progress.
type Options struct {
	// Namespace restricts the namespaced kinds (Pods, Services,
	// NetworkPolicies, Ingresses) to one namespace. Empty means all
	// namespaces. Namespaces, Nodes and the tiered cluster policies are read
	// in full either way.
	Namespace string

	// PageSize is the most objects one List call asks for (its limit
	// parameter). 0 means DefaultPageSize; it must not be negative.
	PageSize int64

	// Progress, if not nil, is called after every page a List call
	// returns, on the goroutine that called Read. It must not block for
	// long: the read waits for it.
	Progress func(Progress)
}

// Progress tells how far a read is.
type Progress struct {
	// Resource is the resource being listed, as kubectl names it:
	// "pods", "networkpolicies.networking.k8s.io".
	Resource string
	// Namespace is the namespace listed, or empty for all namespaces and
	// for cluster-scoped resources.
	Namespace string
	// Items is the number of objects of Resource read so far.
	Items int
	// Remaining is the number of objects the API server says are left, or
	// -1 when it does not say (it estimates only some lists).
	Remaining int64
	// Done is set on the last page of Resource.
	Done bool
}

// Result is what a successful [Read] returns.
type Result struct {
	// Cluster holds the objects read, in the order the API server lists
	// them (by namespace, then name), every one with apiVersion and kind
	// set and without managedFields.
	Cluster simulate.Cluster

	// Notices lists what was read but left out, in the order found; nil
	// when nothing was.
	Notices []Notice
}

// Notice reports objects of the cluster that Read left out.
type Notice struct {
	// Resource is the resource concerned, as in [Progress.Resource].
	Resource string
	// Message says what was left out and why, in lowercase.
	Message string
}

// String renders n as "live: pods: <message>".
func (n Notice) String() string { return "live: " + n.Resource + ": " + n.Message }

// Read lists the objects the simulation needs from the API server that
// config points to and returns them as a cluster. It makes one List call
// per page of each resource, in this order: namespaces, nodes, pods,
// services, networkpolicies, ingresses, then the tiered policy kinds the
// server serves (see the package documentation). Every list is consistent
// in itself (the API server serves the pages of one list from one
// snapshot); the lists of different resources are read one after the
// other, so an object changed meanwhile may show in one state in one list
// and in another in the next. When the API server expires a list's continue
// token before the last page, that list is read again from its start, up to
// three times.
//
// The user config names needs permission to list each of these resources
// (pods, services, networkpolicies and ingresses in the namespace read, or
// cluster-wide for all namespaces; namespaces, nodes and the served tiered
// policy kinds cluster-wide), with
// two exceptions, each reported by a Notice: a user who may not list nodes
// gets a cluster without Nodes, and, when one namespace is read, a user who
// may not list namespaces but may get that one gets a cluster with that
// Namespace only. A config without a rate limit is given 50 requests per
// second, bursts of 100.
//
// Read fails, with no result, on a nil config, an invalid namespace or a
// negative page size, on the first List call that fails, and when ctx ends.
func Read(ctx context.Context, config *rest.Config, opts Options) (*Result, error) {
	if config == nil {
		return nil, errors.New("live: no rest config")
	}
	if opts.PageSize < 0 {
		return nil, fmt.Errorf("live: page size %d is negative", opts.PageSize)
	}
	if opts.Namespace != "" {
		if errs := apivalidation.ValidateNamespaceName(opts.Namespace, false); len(errs) > 0 {
			return nil, fmt.Errorf("live: namespace %q: %s", opts.Namespace, errs[0])
		}
	}
	rd, err := newReader(config, opts)
	if err != nil {
		return nil, err
	}
	return rd.read(ctx)
}

// The resources Read lists.
var (
	namespacesResource      = resource{version: "v1", name: "namespaces"}
	nodesResource           = resource{version: "v1", name: "nodes"}
	podsResource            = resource{version: "v1", name: "pods", namespaced: true}
	servicesResource        = resource{version: "v1", name: "services", namespaced: true}
	networkPoliciesResource = resource{group: "networking.k8s.io", version: "v1", name: "networkpolicies", namespaced: true}
	ingressesResource       = resource{group: "networking.k8s.io", version: "v1", name: "ingresses", namespaced: true}
)

// read reads the whole cluster.
func (rd *reader) read(ctx context.Context) (*Result, error) {
	res := &Result{}
	c := &res.Cluster
	var err error

	if c.Namespaces, err = list[corev1.Namespace](ctx, rd, namespacesResource); err != nil {
		// A user whose rights end at one namespace may still get it.
		if rd.namespace == "" || !apierrors.IsForbidden(err) {
			return nil, err
		}
		ns, gerr := getNamespace(ctx, rd)
		if gerr != nil {
			le := err.(*listError)
			le.alternative = "or get on namespace " + rd.namespace
			return nil, le
		}
		c.Namespaces = []corev1.Namespace{*ns}
		res.Notices = append(res.Notices, Notice{
			Resource: namespacesResource.String(),
			Message:  "cannot list namespaces (forbidden, needs list on namespaces), so only namespace " + rd.namespace + " was read; this does not change who may reach whom inside it",
		})
	}
	for i := range c.Namespaces {
		c.Namespaces[i].TypeMeta = typeMeta("v1", "Namespace")
		c.Namespaces[i].ManagedFields = nil
	}

	if c.Nodes, err = list[corev1.Node](ctx, rd, nodesResource); err != nil {
		// Few users may list nodes; their addresses matter only for
		// traffic from nodes.
		if !apierrors.IsForbidden(err) {
			return nil, err
		}
		res.Notices = append(res.Notices, Notice{
			Resource: nodesResource.String(),
			Message:  "cannot list nodes (forbidden, needs list on nodes), so node addresses are not known: traffic from a node counts as traffic from outside the cluster (simulate.NodeAddresses can give them)",
		})
	}
	for i := range c.Nodes {
		c.Nodes[i].TypeMeta = typeMeta("v1", "Node")
		c.Nodes[i].ManagedFields = nil
	}

	if c.Pods, err = list[corev1.Pod](ctx, rd, podsResource); err != nil {
		return nil, err
	}
	res.Notices = append(res.Notices, dropFinishedPods(c)...)

	if c.Services, err = list[corev1.Service](ctx, rd, servicesResource); err != nil {
		return nil, err
	}
	for i := range c.Services {
		c.Services[i].TypeMeta = typeMeta("v1", "Service")
		c.Services[i].ManagedFields = nil
	}

	if c.NetworkPolicies, err = list[networkingv1.NetworkPolicy](ctx, rd, networkPoliciesResource); err != nil {
		return nil, err
	}
	for i := range c.NetworkPolicies {
		c.NetworkPolicies[i].TypeMeta = typeMeta("networking.k8s.io/v1", "NetworkPolicy")
		c.NetworkPolicies[i].ManagedFields = nil
	}

	if c.Ingresses, err = list[networkingv1.Ingress](ctx, rd, ingressesResource); err != nil {
		return nil, err
	}
	for i := range c.Ingresses {
		c.Ingresses[i].TypeMeta = typeMeta("networking.k8s.io/v1", "Ingress")
		c.Ingresses[i].ManagedFields = nil
	}

	if err := readTieredPolicies(ctx, rd, c); err != nil {
		return nil, err
	}
	return res, nil
}

// getNamespace gets the reader's namespace.
func getNamespace(ctx context.Context, rd *reader) (*corev1.Namespace, error) {
	body, err := do(ctx, rd.client.Get().AbsPath(namespacesResource.path("")+"/"+url.PathEscape(rd.namespace)))
	if err != nil {
		return nil, err
	}
	var ns corev1.Namespace
	if err := sigsjson.UnmarshalCaseSensitivePreserveInts(body, &ns); err != nil {
		return nil, fmt.Errorf("malformed response: %w", err)
	}
	ns.TypeMeta = typeMeta("v1", "Namespace")
	ns.ManagedFields = nil
	return &ns, nil
}

// dropFinishedPods sets the type of c's pods, clears their managedFields,
// and removes those in phase Succeeded or Failed, returning a notice that
// counts them if there were any. Such pods run nothing, and their old
// address may already belong to another pod.
func dropFinishedPods(c *simulate.Cluster) []Notice {
	n := len(c.Pods)
	c.Pods = slices.DeleteFunc(c.Pods, func(p corev1.Pod) bool {
		return p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed
	})
	for i := range c.Pods {
		c.Pods[i].TypeMeta = typeMeta("v1", "Pod")
		c.Pods[i].ManagedFields = nil
	}
	if dropped := n - len(c.Pods); dropped > 0 {
		return []Notice{{
			Resource: podsResource.String(),
			Message:  fmt.Sprintf("left out %d %s in phase Succeeded or Failed: they run nothing, and their addresses may belong to other pods now", dropped, plural(dropped, "pod", "pods")),
		}}
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
