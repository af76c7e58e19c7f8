package live

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
)

// fakeAPI answers List calls as an API server does, from recorded objects,
// honouring limit and continue; it stands in for a real API server in the
// tests that need exact control over pages and errors (the test against a
// real one is in apiserver_test.go).
type fakeAPI struct {
	t testing.TB

	mu sync.Mutex
	// lists maps a list path (/api/v1/pods) to its items, as JSON. The
	// paths of Read's six resources, in all namespaces, answer an empty
	// list when not set.
	lists map[string][]json.RawMessage
	// bodies maps a path to a fixed body answered with status 200,
	// whatever the parameters: discovery documents, malformed pages.
	bodies map[string][]byte
	// statuses maps a path to an error status answered for it.
	statuses map[string]metav1.Status
	// expire lists paths whose next request with a continue token is
	// answered 410 Expired, once.
	expire map[string]bool
	// sameToken makes every page answer continue token "again".
	sameToken bool
	// requests records every request as path?query.
	requests []string
}

func newFakeAPI(t testing.TB) *fakeAPI {
	f := &fakeAPI{
		t:        t,
		lists:    map[string][]json.RawMessage{},
		bodies:   map[string][]byte{},
		statuses: map[string]metav1.Status{},
		expire:   map[string]bool{},
	}
	for _, r := range []resource{namespacesResource, nodesResource, podsResource, servicesResource, networkPoliciesResource, ingressesResource} {
		f.lists[r.path("")] = nil
	}
	return f
}

// config starts the server and returns a config that points to it.
func (f *fakeAPI) config() *rest.Config {
	srv := httptest.NewServer(f)
	f.t.Cleanup(srv.Close)
	return &rest.Config{Host: srv.URL}
}

// add records objects (marshalled to JSON) in the list at path.
func (f *fakeAPI) add(path string, objs ...any) {
	for _, o := range objs {
		data, err := json.Marshal(o)
		if err != nil {
			f.t.Fatal(err)
		}
		f.lists[path] = append(f.lists[path], data)
	}
}

func forbidden(resource, ns string) metav1.Status {
	return metav1.Status{
		Status:  metav1.StatusFailure,
		Message: fmt.Sprintf("%s is forbidden: User \"dev\" cannot list resource %q in API group \"\" in the namespace %q", resource, resource, ns),
		Reason:  metav1.StatusReasonForbidden,
		Details: &metav1.StatusDetails{Kind: resource},
		Code:    http.StatusForbidden,
	}
}

func (f *fakeAPI) writeStatus(w http.ResponseWriter, s metav1.Status) {
	s.TypeMeta = metav1.TypeMeta{APIVersion: "v1", Kind: "Status"}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(int(s.Code))
	_ = json.NewEncoder(w).Encode(s)
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.URL.Path+"?"+r.URL.RawQuery)
	path := r.URL.Path
	q := r.URL.Query()
	if s, ok := f.statuses[path]; ok {
		f.writeStatus(w, s)
		return
	}
	if body, ok := f.bodies[path]; ok {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
		return
	}
	items, ok := f.lists[path]
	if !ok {
		f.writeStatus(w, metav1.Status{Status: metav1.StatusFailure, Reason: metav1.StatusReasonNotFound, Code: http.StatusNotFound, Message: "the server could not find the requested resource"})
		return
	}
	token := q.Get("continue")
	if token != "" && f.expire[path] {
		delete(f.expire, path)
		f.writeStatus(w, metav1.Status{Status: metav1.StatusFailure, Reason: metav1.StatusReasonExpired, Code: http.StatusGone, Message: "The provided continue parameter is too old to display a consistent list result."})
		return
	}
	start := 0
	if token != "" && !f.sameToken {
		n, err := strconv.Atoi(strings.TrimPrefix(token, "at-"))
		if err != nil {
			f.writeStatus(w, metav1.Status{Status: metav1.StatusFailure, Reason: metav1.StatusReasonBadRequest, Code: http.StatusBadRequest, Message: "bad continue token"})
			return
		}
		start = n
	}
	end := len(items)
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n <= 0 {
			f.t.Errorf("bad limit %q", l)
			n = len(items)
		}
		end = min(len(items), start+n)
	}
	page := struct {
		Kind       string            `json:"kind"`
		APIVersion string            `json:"apiVersion"`
		Metadata   metav1.ListMeta   `json:"metadata"`
		Items      []json.RawMessage `json:"items"`
	}{Kind: "List", APIVersion: "v1", Metadata: metav1.ListMeta{ResourceVersion: "42"}, Items: items[start:end]}
	if page.Items == nil {
		page.Items = []json.RawMessage{}
	}
	if end < len(items) {
		page.Metadata.Continue = fmt.Sprintf("at-%d", end)
		rem := int64(len(items) - end)
		page.Metadata.RemainingItemCount = &rem
	}
	if f.sameToken {
		page.Metadata.Continue = "again"
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(page)
}
