package live

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/rest"
	sigsjson "sigs.k8s.io/json"
)

// maxRestarts is how many times a list whose continue token expired is
// read again from its start.
const maxRestarts = 3

// reader makes the requests of one Read.
type reader struct {
	client    rest.Interface
	namespace string
	pageSize  int64
	progress  func(Progress)
}

// codecs decodes the Status objects the API server sends with an error, so
// that errors carry their reason (forbidden, expired, ...). Lists are
// decoded by decodePage.
var codecs = func() serializer.CodecFactory {
	s := runtime.NewScheme()
	metav1.AddToGroupVersion(s, schema.GroupVersion{Version: "v1"})
	return serializer.NewCodecFactory(s)
}()

func newReader(config *rest.Config, opts Options) (*reader, error) {
	cfg := rest.CopyConfig(config)
	cfg.APIPath = ""
	cfg.GroupVersion = nil
	cfg.ContentType = runtime.ContentTypeJSON
	cfg.AcceptContentTypes = runtime.ContentTypeJSON
	cfg.NegotiatedSerializer = codecs.WithoutConversion()
	if cfg.QPS == 0 && cfg.RateLimiter == nil {
		cfg.QPS, cfg.Burst = 50, 100
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "netpolsim"
	}
	client, err := rest.UnversionedRESTClientFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("live: %w", err)
	}
	size := opts.PageSize
	if size == 0 {
		size = DefaultPageSize
	}
	return &reader{client: client, namespace: opts.Namespace, pageSize: size, progress: opts.Progress}, nil
}

// resource is a resource of the API, such as pods or
// networkpolicies.networking.k8s.io.
type resource struct {
	group, version, name string
	namespaced           bool
}

// String names r as kubectl and RBAC rules do: "pods",
// "networkpolicies.networking.k8s.io".
func (r resource) String() string {
	if r.group == "" {
		return r.name
	}
	return r.name + "." + r.group
}

// path returns the URL path that lists r in namespace ns, or in all
// namespaces when ns is empty.
func (r resource) path(ns string) string {
	p := "/api/" + r.version
	if r.group != "" {
		p = "/apis/" + r.group + "/" + r.version
	}
	if r.namespaced && ns != "" {
		p += "/namespaces/" + url.PathEscape(ns)
	}
	return p + "/" + r.name
}

// page is one List response, decoded.
type page[T any] struct {
	Metadata metav1.ListMeta `json:"metadata"`
	Items    []T             `json:"items"`
}

// decodePage decodes one List response body. Field names are
// case-sensitive, as the API server writes them; fields unknown to this
// version of the types are ignored, since a newer server may send them.
func decodePage[T any](body []byte) (*page[T], error) {
	var p page[T]
	if err := sigsjson.UnmarshalCaseSensitivePreserveInts(body, &p); err != nil {
		return nil, fmt.Errorf("malformed list response: %w", err)
	}
	return &p, nil
}

// list reads every object of r, page by page, in the reader's namespace
// when r is namespaced.
func list[T any](ctx context.Context, rd *reader, r resource) ([]T, error) {
	ns := ""
	if r.namespaced {
		ns = rd.namespace
	}
	for restarts := 0; ; restarts++ {
		items, err := listOnce[T](ctx, rd, r, ns)
		if err != nil && restarts < maxRestarts && apierrors.IsResourceExpired(err) {
			continue
		}
		if err != nil {
			return nil, &listError{resource: r, namespace: ns, err: err}
		}
		return items, nil
	}
}

// listOnce reads every page of r in ns, from the first.
func listOnce[T any](ctx context.Context, rd *reader, r resource, ns string) ([]T, error) {
	var items []T
	token := ""
	for {
		req := rd.client.Get().AbsPath(r.path(ns)).Param("limit", strconv.FormatInt(rd.pageSize, 10))
		if token != "" {
			req = req.Param("continue", token)
		}
		body, err := do(ctx, req)
		if err != nil {
			return nil, err
		}
		p, err := decodePage[T](body)
		if err != nil {
			return nil, err
		}
		items = append(items, p.Items...)
		next := p.Metadata.Continue
		if next != "" && next == token {
			return nil, fmt.Errorf("the API server returned continue token %q twice", token)
		}
		if rd.progress != nil {
			remaining := int64(-1)
			if p.Metadata.RemainingItemCount != nil {
				remaining = *p.Metadata.RemainingItemCount
			}
			rd.progress(Progress{Resource: r.String(), Namespace: ns, Items: len(items), Remaining: remaining, Done: next == ""})
		}
		if next == "" {
			return items, nil
		}
		token = next
	}
}

// do makes the request and returns the body of the response, or the error
// it carries: the API server's Status as an *apierrors.StatusError when it
// sent one.
func do(ctx context.Context, req *rest.Request) ([]byte, error) {
	res := req.Do(ctx)
	if err := res.Error(); err != nil {
		return nil, err
	}
	return res.Raw()
}

// listError is the error of a list that failed.
type listError struct {
	resource  resource
	namespace string
	err       error
	// alternative is another permission that would have done, such as
	// "or get on namespace shop", or empty.
	alternative string
}

func (e *listError) Error() string {
	var b strings.Builder
	b.WriteString("live: cannot list ")
	b.WriteString(e.resource.String())
	switch {
	case e.namespace != "":
		b.WriteString(" in namespace " + e.namespace)
	case e.resource.namespaced:
		b.WriteString(" in all namespaces")
	}
	b.WriteString(": ")
	switch err := e.err; {
	case apierrors.IsForbidden(err):
		b.WriteString("forbidden (needs list on " + e.resource.String())
		if e.alternative != "" {
			b.WriteString(", " + e.alternative)
		}
		b.WriteString(")")
	case apierrors.IsUnauthorized(err):
		b.WriteString("unauthorized: the API server does not accept the credentials")
	default:
		b.WriteString(oneLine(err.Error()))
	}
	return b.String()
}

// Unwrap returns the API server's error.
func (e *listError) Unwrap() error { return e.err }

var lineBreaks = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

// oneLine keeps a message on one line.
func oneLine(s string) string { return lineBreaks.Replace(strings.TrimSpace(s)) }

func typeMeta(apiVersion, kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: apiVersion, Kind: kind}
}
