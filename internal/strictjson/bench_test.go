package strictjson_test

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	sigsjson "sigs.k8s.io/json"

	"github.com/netpolsim/netpolsim/internal/strictjson"
)

// benchDeployment is a Deployment as the manifest benchmarks hold it.
var benchDeployment = []byte(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"app","namespace":"ns-1"},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"app"}},"template":{"metadata":{"labels":{"app":"app","tier":"backend"}},"spec":{"containers":[{"image":"example/app:1","name":"main","ports":[{"containerPort":8080,"name":"http"},{"containerPort":9090,"name":"metrics"}]}]}}}}`)

// BenchmarkDecode decodes benchDeployment with Decode.
func BenchmarkDecode(b *testing.B) {
	b.SetBytes(int64(len(benchDeployment)))
	b.ReportAllocs()
	for b.Loop() {
		var d appsv1.Deployment
		if !strictjson.Decode(benchDeployment, &d) {
			b.Fatal("declined")
		}
	}
}

// BenchmarkUnmarshalStrict decodes benchDeployment with
// sigs.k8s.io/json, for comparison.
func BenchmarkUnmarshalStrict(b *testing.B) {
	b.SetBytes(int64(len(benchDeployment)))
	b.ReportAllocs()
	for b.Loop() {
		var d appsv1.Deployment
		if errs, err := sigsjson.UnmarshalStrict(benchDeployment, &d); err != nil || len(errs) > 0 {
			b.Fatal(err, errs)
		}
	}
}
