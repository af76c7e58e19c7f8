package strictjson_test

import (
	"errors"
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	cnpv1beta1 "sigs.k8s.io/network-policy-api/apis/v1beta1"
)

// fuzzTypes are the types FuzzStrictJSON decodes every input into.
var fuzzTypes = []reflect.Type{
	reflect.TypeFor[corev1.Pod](),
	reflect.TypeFor[corev1.Service](),
	reflect.TypeFor[appsv1.Deployment](),
	reflect.TypeFor[networkingv1.NetworkPolicy](),
	reflect.TypeFor[cnpv1beta1.ClusterNetworkPolicy](),
	reflect.TypeFor[map[string]string](),
	reflect.TypeFor[[]int32](),
	reflect.TypeFor[custom](),
}

// custom holds a type that decodes itself and tells null apart, as
// encoding/json calls it with null for a value but not for a pointer.
type custom struct {
	A nullSeen
	B *nullSeen
	C []nullSeen
	D map[string]nullSeen
	E uint8 `json:"e,omitempty"`
}

// nullSeen records whether it was decoded from null, and refuses
// anything but null, strings and numbers.
type nullSeen struct {
	Null bool
	Raw  string
}

func (n *nullSeen) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && (data[0] == '{' || data[0] == '[' || data[0] == 't' || data[0] == 'f') {
		return errors.New("nullSeen: not a string, number or null")
	}
	n.Null, n.Raw = string(data) == "null", string(data)
	return nil
}

// FuzzStrictJSON decodes any bytes into API types both ways: Decode must
// never panic, nor accept what strict decoding objects to, nor give
// another value.
func FuzzStrictJSON(f *testing.F) {
	for _, seed := range []string{
		`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"app","namespace":"ns-1","creationTimestamp":null,"labels":{"app":"app"}},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"app"}},"template":{"metadata":{"labels":{"app":"app","tier":"backend"}},"spec":{"containers":[{"image":"example/app:1","name":"main","resources":{"limits":{"cpu":"1"}},"ports":[{"containerPort":8080,"name":"http"},{"containerPort":9090,"name":"metrics"}]}]}}}}`,
		`{"apiVersion":"v1","kind":"Service","metadata":{"name":"app"},"spec":{"selector":{"app":"app"},"ports":[{"port":80,"targetPort":"http"},{"port":81,"targetPort":8081,"protocol":"UDP"}]}}`,
		`{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"app"},"spec":{"podSelector":{},"ingress":[{"from":[{"ipBlock":{"cidr":"10.0.0.0/8","except":[]}}],"ports":[{"port":"http"},{"port":9000,"endPort":9100}]}],"policyTypes":["Ingress"]}}`,
		`{"metadata":{"name":"p","deletionTimestamp":"2024-05-01T10:00:00Z","managedFields":[{"manager":"m","fieldsV1":{"f:spec":{}}}]},"spec":{"containers":[]},"status":{"podIP":"10.0.0.1"}}`,
		`{"metadata":{"name":"p","name":"q"}}`,
		`{"metadata":{"labels":{"a":"b","a":"c"}}}`,
		`{"metadata":{"labels":{},"annotations":{"a":null}}}`,
		`{"spec":{"nodeSelector":{},"overhead":{},"containers":[{"name":"c","resources":{"limits":{"cpu":"1","cpu":"2"},"requests":{}}}]}}`,
		`{"spec":{"replicas":2147483647,"minReadySeconds":-2147483648,"progressDeadlineSeconds":-2147483649}}`,
		`{"spec":{"template":{"spec":{"activeDeadlineSeconds":9223372036854775808}}}}`,
		`{"spec":{"template":{"spec":{"containers":[{"name":"c","ports":[{"containerPort":8080,"protocol":"TCP"}]}]}}}}`,
		`{"metadata":{"Name":"p"}}`,
		`{"spec":{"replicas":2147483648}}`,
		`{"spec":{"replicas":1.0}}`,
		`{"metadata":{"name":"\u0070\ud800"}}`,
		"{\"metadata\":{\"name\":\"\xff\"}}",
		`{"spec":{"ports":null,"selector":null}} `,
		`{"a":1} {}`,
		`[1,2,-3]`,
		`{"x":"y","z":null}`,
		`null`,
		`{"A":null,"B":null,"C":[null,"x", 1e5 ],"D":{"k":null,"l":-0.5},"e":255}`,
		`{"A":{},"e":256}`,
		`{"C":[true]}`,
		"{\"metadata\":{\"name\":\"a\tb\"}}",
		`{"metadata":{}} {}`,
		`{"spec":{"ports":[{"port":80,"targetPort":2147483648},{"port":81,"targetPort":-2147483648}]}}`,
		`{"spec":{"ports":[{"port":80,"targetPort":-2147483649}]}}`,
		`{"spec":{"ports":[{"port":80,"targetPort":"a\u0062"},{"port":81,"targetPort":1.5},{"port":82,"targetPort":true},{"port":83,"targetPort":null}]}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, typ := range fuzzTypes {
			oracle(t, data, typ)
		}
	})
}
