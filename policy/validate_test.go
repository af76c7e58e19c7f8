package policy

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Messages of apimachinery's validation functions, spelled out once.
const (
	subdomainMsg = `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`
	labelMsg     = `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`
	cidrMsg      = `must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)`
	rangeMsg     = `must be between 1 and 65535, inclusive`
	protoMsg     = `supported values: "TCP", "UDP", "SCTP"`
	typesMsg     = `supported values: "Ingress", "Egress"`
)

// TestCompileErrors checks every validation rule: the exact lines of the
// error, in spec order.
func TestCompileErrors(t *testing.T) {
	const p = "policy: shop/db: "
	tests := []struct {
		name string
		in   string // a whole NetworkPolicy as JSON
		want []string
	}{
		// metadata
		{
			name: "name missing",
			in:   `{"metadata":{"namespace":"shop"},"spec":{}}`,
			want: []string{"policy: shop/: metadata.name: required value"},
		},
		{
			name: "name not a DNS-1123 subdomain",
			in:   `{"metadata":{"namespace":"shop","name":"DB_1"},"spec":{}}`,
			want: []string{`policy: shop/DB_1: metadata.name: invalid value "DB_1": ` + subdomainMsg},
		},
		{
			name: "name too long",
			in:   `{"metadata":{"namespace":"shop","name":"` + strings.Repeat("a", 254) + `"},"spec":{}}`,
			want: []string{`policy: shop/` + strings.Repeat("a", 254) + `: metadata.name: invalid value "` + strings.Repeat("a", 254) + `": must be no more than 253 characters`},
		},
		{
			name: "namespace missing",
			in:   `{"metadata":{"name":"db"},"spec":{}}`,
			want: []string{"policy: /db: metadata.namespace: required value"},
		},
		{
			name: "namespace not a DNS-1123 label",
			in:   `{"metadata":{"namespace":"Shop","name":"db"},"spec":{}}`,
			want: []string{`policy: Shop/db: metadata.namespace: invalid value "Shop": ` + labelMsg},
		},
		{
			name: "namespace with dots",
			in:   `{"metadata":{"namespace":"shop.example","name":"db"},"spec":{}}`,
			want: []string{`policy: shop.example/db: metadata.namespace: invalid value "shop.example": must not contain dots`},
		},
		{
			name: "name and namespace both missing",
			in:   `{"spec":{}}`,
			want: []string{"policy: /: metadata.name: required value", "policy: /: metadata.namespace: required value"},
		},

		// selectors
		{
			name: "spec.podSelector",
			in:   shopDB(`{"podSelector":{"matchExpressions":[{"key":"app","operator":"In"}]}}`),
			want: []string{p + "spec.podSelector.matchExpressions[0].values: must be specified when `operator` is 'In' or 'NotIn'"},
		},
		{
			name: "ingress peer podSelector and namespaceSelector",
			in: shopDB(`{"podSelector":{},"ingress":[{"from":[
				{"podSelector":{"matchExpressions":[{"key":"app","operator":"Exists","values":["x"]}]}},
				{"namespaceSelector":{"matchExpressions":[{"key":"team","operator":"Equals","values":["x"]}]}}]}]}`),
			want: []string{
				p + "spec.ingress[0].from[0].podSelector.matchExpressions[0].values: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
				p + `spec.ingress[0].from[1].namespaceSelector.matchExpressions[0].operator: invalid value "Equals": not a valid selector operator`,
			},
		},
		{
			name: "egress peer selectors",
			in: shopDB(`{"podSelector":{},"egress":[{},{"to":[
				{"namespaceSelector":{"matchExpressions":[{"key":"team","operator":"NotIn"}]},"podSelector":{"matchExpressions":[{"key":"app","operator":"DoesNotExist","values":["x"]}]}}]}]}`),
			want: []string{
				p + "spec.egress[1].to[0].podSelector.matchExpressions[0].values: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
				p + "spec.egress[1].to[0].namespaceSelector.matchExpressions[0].values: must be specified when `operator` is 'In' or 'NotIn'",
			},
		},

		// ports[k].protocol
		{
			name: "protocol not supported",
			in:   shopDB(`{"podSelector":{},"ingress":[{"ports":[{"protocol":"TCP"},{"protocol":"ICMP"},{"protocol":"tcp"},{"protocol":""}]}]}`),
			want: []string{
				p + `spec.ingress[0].ports[1].protocol: unsupported value "ICMP": ` + protoMsg,
				p + `spec.ingress[0].ports[2].protocol: unsupported value "tcp": ` + protoMsg,
				p + `spec.ingress[0].ports[3].protocol: unsupported value "": ` + protoMsg,
			},
		},

		// ports[k].port
		{
			name: "numeric port out of range",
			in:   shopDB(`{"podSelector":{},"egress":[{"ports":[{"port":0},{"port":1},{"port":65535},{"port":65536},{"port":-1}]}]}`),
			want: []string{
				p + "spec.egress[0].ports[0].port: invalid value 0: " + rangeMsg,
				p + "spec.egress[0].ports[3].port: invalid value 65536: " + rangeMsg,
				p + "spec.egress[0].ports[4].port: invalid value -1: " + rangeMsg,
			},
		},
		{
			name: "port names",
			in: shopDB(`{"podSelector":{},"ingress":[{"ports":[
				{"port":"http"},{"port":"80"},{"port":"HTTP"},{"port":"-http"},{"port":"http-"},
				{"port":"a--b"},{"port":"abcdefghijklmnop"},{"port":"abcdefghijklmno"},{"port":""}]}]}`),
			want: []string{
				p + `spec.ingress[0].ports[1].port: invalid value "80": must contain at least one letter (a-z)`,
				p + `spec.ingress[0].ports[2].port: invalid value "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)`,
				p + `spec.ingress[0].ports[2].port: invalid value "HTTP": must contain at least one letter (a-z)`,
				p + `spec.ingress[0].ports[3].port: invalid value "-http": must not begin or end with a hyphen`,
				p + `spec.ingress[0].ports[4].port: invalid value "http-": must not begin or end with a hyphen`,
				p + `spec.ingress[0].ports[5].port: invalid value "a--b": must not contain consecutive hyphens`,
				p + `spec.ingress[0].ports[6].port: invalid value "abcdefghijklmnop": must be no more than 15 characters`,
				p + `spec.ingress[0].ports[8].port: invalid value "": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)`,
				p + `spec.ingress[0].ports[8].port: invalid value "": must contain at least one letter (a-z)`,
			},
		},

		// ports[k].endPort
		{
			name: "endPort without port",
			in:   shopDB(`{"podSelector":{},"ingress":[{"ports":[{"protocol":"UDP","endPort":90}]}]}`),
			want: []string{p + "spec.ingress[0].ports[0].endPort: invalid value 90: may not be specified when `port` is not specified"},
		},
		{
			name: "endPort with a named port",
			in:   shopDB(`{"podSelector":{},"ingress":[{"ports":[{"port":"http","endPort":90}]}]}`),
			want: []string{p + "spec.ingress[0].ports[0].endPort: invalid value 90: may not be specified when `port` is non-numeric"},
		},
		{
			name: "endPort below port",
			in:   shopDB(`{"podSelector":{},"ingress":[{"ports":[{"port":80,"endPort":80},{"port":80,"endPort":79}]}]}`),
			want: []string{p + "spec.ingress[0].ports[1].endPort: invalid value 79: must be greater than or equal to `port`"},
		},
		{
			name: "endPort out of range",
			in:   shopDB(`{"podSelector":{},"ingress":[{"ports":[{"port":80,"endPort":65535},{"port":80,"endPort":65536},{"port":0,"endPort":0},{"port":-5,"endPort":-1}]}]}`),
			want: []string{
				p + "spec.ingress[0].ports[1].endPort: invalid value 65536: " + rangeMsg,
				p + "spec.ingress[0].ports[2].port: invalid value 0: " + rangeMsg,
				p + "spec.ingress[0].ports[2].endPort: invalid value 0: " + rangeMsg,
				p + "spec.ingress[0].ports[3].port: invalid value -5: " + rangeMsg,
				p + "spec.ingress[0].ports[3].endPort: invalid value -1: " + rangeMsg,
			},
		},
		{
			name: "endPort below port and out of range",
			in:   shopDB(`{"podSelector":{},"egress":[{"ports":[{"port":80,"endPort":0}]}]}`),
			want: []string{
				p + "spec.egress[0].ports[0].endPort: invalid value 0: must be greater than or equal to `port`",
				p + "spec.egress[0].ports[0].endPort: invalid value 0: " + rangeMsg,
			},
		},

		// peers
		{
			name: "empty peer",
			in:   shopDB(`{"podSelector":{},"ingress":[{"from":[{"podSelector":{}},{}]}],"egress":[{"to":[{}]}]}`),
			want: []string{
				p + "spec.ingress[0].from[1]: must specify a peer",
				p + "spec.egress[0].to[0]: must specify a peer",
			},
		},
		{
			name: "ipBlock with a selector",
			in: shopDB(`{"podSelector":{},"ingress":[{"from":[
				{"ipBlock":{"cidr":"10.0.0.0/8"},"podSelector":{}},
				{"ipBlock":{"cidr":"10.0.0.0/8"},"namespaceSelector":{}},
				{"ipBlock":{"cidr":"10.0.0.0/8"},"namespaceSelector":{},"podSelector":{}},
				{"namespaceSelector":{},"podSelector":{}}]}]}`),
			want: []string{
				p + "spec.ingress[0].from[0]: may not specify both ipBlock and another peer",
				p + "spec.ingress[0].from[1]: may not specify both ipBlock and another peer",
				p + "spec.ingress[0].from[2]: may not specify both ipBlock and another peer",
			},
		},
		{
			name: "ipBlock and an invalid selector",
			in:   shopDB(`{"podSelector":{},"egress":[{"to":[{"ipBlock":{"cidr":"nope"},"podSelector":{"matchLabels":{"a":"-"}}}]}]}`),
			want: []string{
				p + `spec.egress[0].to[0].podSelector.matchLabels[a]: invalid value "-": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
				p + `spec.egress[0].to[0].ipBlock.cidr: invalid value "nope": ` + cidrMsg,
				p + "spec.egress[0].to[0]: may not specify both ipBlock and another peer",
			},
		},

		// ipBlock
		{
			name: "cidr missing",
			in:   shopDB(`{"podSelector":{},"ingress":[{"from":[{"ipBlock":{"cidr":""}}]}]}`),
			want: []string{p + "spec.ingress[0].from[0].ipBlock.cidr: required value"},
		},
		{
			name: "cidr does not parse",
			in: shopDB(`{"podSelector":{},"ingress":[{"from":[
				{"ipBlock":{"cidr":"10.0.0.0"}},{"ipBlock":{"cidr":"10.0.0.0/33"}},{"ipBlock":{"cidr":"256.0.0.0/8"}},
				{"ipBlock":{"cidr":"2001:db8::/129"}},{"ipBlock":{"cidr":"fe80::1%eth0/64"}},{"ipBlock":{"cidr":" 10.0.0.0/8"}}]}]}`),
			want: []string{
				p + `spec.ingress[0].from[0].ipBlock.cidr: invalid value "10.0.0.0": ` + cidrMsg,
				p + `spec.ingress[0].from[1].ipBlock.cidr: invalid value "10.0.0.0/33": ` + cidrMsg,
				p + `spec.ingress[0].from[2].ipBlock.cidr: invalid value "256.0.0.0/8": ` + cidrMsg,
				p + `spec.ingress[0].from[3].ipBlock.cidr: invalid value "2001:db8::/129": ` + cidrMsg,
				p + `spec.ingress[0].from[4].ipBlock.cidr: invalid value "fe80::1%eth0/64": ` + cidrMsg,
				p + `spec.ingress[0].from[5].ipBlock.cidr: invalid value " 10.0.0.0/8": ` + cidrMsg,
			},
		},
		{
			name: "except does not parse",
			in:   shopDB(`{"podSelector":{},"ingress":[{"from":[{"ipBlock":{"cidr":"10.0.0.0/8","except":["10.1.0.0/16","10.2.0.0","10.3.0.0/16"]}}]}]}`),
			want: []string{p + `spec.ingress[0].from[0].ipBlock.except[1]: invalid value "10.2.0.0": ` + cidrMsg},
		},
		{
			name: "except checked for syntax when cidr is bad",
			in:   shopDB(`{"podSelector":{},"ingress":[{"from":[{"ipBlock":{"cidr":"10.0.0.0/99","except":["192.168.0.0/16","x"]}}]}]}`),
			want: []string{
				p + `spec.ingress[0].from[0].ipBlock.cidr: invalid value "10.0.0.0/99": ` + cidrMsg,
				p + `spec.ingress[0].from[0].ipBlock.except[1]: invalid value "x": ` + cidrMsg,
			},
		},
		{
			name: "except checked for syntax when cidr is missing",
			in:   shopDB(`{"podSelector":{},"ingress":[{"from":[{"ipBlock":{"except":["10.0.0.0/24","y"]}}]}]}`),
			want: []string{
				p + "spec.ingress[0].from[0].ipBlock.cidr: required value",
				p + `spec.ingress[0].from[0].ipBlock.except[1]: invalid value "y": ` + cidrMsg,
			},
		},
		{
			name: "except not a strict subset",
			in: shopDB(`{"podSelector":{},"egress":[{"to":[{"ipBlock":{"cidr":"10.0.0.0/16","except":[
				"10.0.1.0/24","10.1.0.0/24","10.0.0.0/16","10.0.0.0/8","10.0.0.0/15","2001:db8::/64","10.0.255.255/32"]}}]}]}`),
			want: []string{
				p + "spec.egress[0].to[0].ipBlock.except[1]: invalid value \"10.1.0.0/24\": must be a strict subset of `cidr`",
				p + "spec.egress[0].to[0].ipBlock.except[2]: invalid value \"10.0.0.0/16\": must be a strict subset of `cidr`",
				p + "spec.egress[0].to[0].ipBlock.except[3]: invalid value \"10.0.0.0/8\": must be a strict subset of `cidr`",
				p + "spec.egress[0].to[0].ipBlock.except[4]: invalid value \"10.0.0.0/15\": must be a strict subset of `cidr`",
				p + "spec.egress[0].to[0].ipBlock.except[5]: invalid value \"2001:db8::/64\": must be a strict subset of `cidr`",
			},
		},
		{
			name: "IPv6 except not a strict subset",
			in:   shopDB(`{"podSelector":{},"egress":[{"to":[{"ipBlock":{"cidr":"2001:db8::/32","except":["2001:db8:1::/48","2001:db9::/48","10.0.0.0/8","::/0"]}}]}]}`),
			want: []string{
				p + "spec.egress[0].to[0].ipBlock.except[1]: invalid value \"2001:db9::/48\": must be a strict subset of `cidr`",
				p + "spec.egress[0].to[0].ipBlock.except[2]: invalid value \"10.0.0.0/8\": must be a strict subset of `cidr`",
				p + "spec.egress[0].to[0].ipBlock.except[3]: invalid value \"::/0\": must be a strict subset of `cidr`",
			},
		},
		{
			// The API server compares raw mask lengths, so an IPv4-mapped
			// CIDR never has an IPv4 exception; an IPv4-mapped exception of
			// an IPv4 CIDR is accepted unless, read as IPv4, it covers the
			// whole CIDR, which only Compile rejects.
			name: "IPv4-mapped IPv6",
			in: shopDB(`{"podSelector":{},"ingress":[{"from":[
				{"ipBlock":{"cidr":"::ffff:10.0.0.0/104","except":["10.1.0.0/16","::ffff:10.1.0.0/112"]}},
				{"ipBlock":{"cidr":"0.0.0.0/8","except":["::ffff:0.0.0.0/100","::ffff:0.1.0.0/112"]}},
				{"ipBlock":{"cidr":"::/0","except":["::ffff:0.0.0.0/96"]}}]}]}`),
			want: []string{
				p + "spec.ingress[0].from[0].ipBlock.except[0]: invalid value \"10.1.0.0/16\": must be a strict subset of `cidr`",
				p + "spec.ingress[0].from[1].ipBlock.except[0]: invalid value \"::ffff:0.0.0.0/100\": must be a strict subset of `cidr`",
				p + "spec.ingress[0].from[2].ipBlock.except[0]: invalid value \"::ffff:0.0.0.0/96\": must be a strict subset of `cidr`",
			},
		},

		// policyTypes
		{
			name: "policyTypes not supported",
			in:   shopDB(`{"podSelector":{},"policyTypes":["Ingress","ingress",""]}`),
			want: []string{
				p + `spec.policyTypes: invalid value [Ingress ingress ]: may not specify more than two policyTypes`,
				p + `spec.policyTypes[1]: unsupported value "ingress": ` + typesMsg,
				p + `spec.policyTypes[2]: unsupported value "": ` + typesMsg,
			},
		},
		{
			name: "policyTypes one unsupported",
			in:   shopDB(`{"podSelector":{},"policyTypes":["Egress","Both"]}`),
			want: []string{p + `spec.policyTypes[1]: unsupported value "Both": ` + typesMsg},
		},
		{
			name: "more than two policyTypes",
			in:   shopDB(`{"podSelector":{},"policyTypes":["Ingress","Egress","Ingress"]}`),
			want: []string{p + `spec.policyTypes: invalid value [Ingress Egress Ingress]: may not specify more than two policyTypes`},
		},

		// everything at once, in spec order
		{
			name: "several problems",
			in: `{"metadata":{"namespace":"shop","name":"db"},"spec":{
				"podSelector":{"matchLabels":{"app":"db!"}},
				"ingress":[
					{"from":[{}],"ports":[{"protocol":"ICMP","port":"80"},{"port":8080,"endPort":80}]},
					{"from":[{"ipBlock":{"cidr":"10.0.0.0/24","except":["10.0.1.0/25"]}}]}],
				"egress":[{"to":[{"ipBlock":{"cidr":"10.0.0.0/24"},"podSelector":{}}],"ports":[{"endPort":5}]}],
				"policyTypes":["Ingress","Sideways"]}}`,
			want: []string{
				p + `spec.podSelector.matchLabels[app]: invalid value "db!": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
				p + `spec.ingress[0].ports[0].protocol: unsupported value "ICMP": ` + protoMsg,
				p + `spec.ingress[0].ports[0].port: invalid value "80": must contain at least one letter (a-z)`,
				p + "spec.ingress[0].ports[1].endPort: invalid value 80: must be greater than or equal to `port`",
				p + "spec.ingress[0].from[0]: must specify a peer",
				p + "spec.ingress[1].from[0].ipBlock.except[0]: invalid value \"10.0.1.0/25\": must be a strict subset of `cidr`",
				p + "spec.egress[0].ports[0].endPort: invalid value 5: may not be specified when `port` is not specified",
				p + "spec.egress[0].to[0]: may not specify both ipBlock and another peer",
				p + `spec.policyTypes[1]: unsupported value "Sideways": ` + typesMsg,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			np := decode(t, tt.in)
			got, err := Compile(np)
			if err == nil {
				t.Fatalf("Compile succeeded with %v, want errors:\n%s", got, strings.Join(tt.want, "\n"))
			}
			if got != nil {
				t.Errorf("Compile returned a policy %v with its error", got)
			}
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("Compile error is %T, want *Error", err)
			}
			if perr.Namespace != np.Namespace || perr.Name != np.Name {
				t.Errorf("Error names %s/%s, want %s/%s", perr.Namespace, perr.Name, np.Namespace, np.Name)
			}
			if len(perr.Errs) != len(tt.want) {
				t.Errorf("Error has %d field errors, want %d", len(perr.Errs), len(tt.want))
			}
			if diff := cmp.Diff(tt.want, strings.Split(err.Error(), "\n")); diff != "" {
				t.Errorf("error lines (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(err, Validate(np)); diff != "" {
				t.Errorf("Validate (-Compile +Validate):\n%s", diff)
			}
		})
	}
}

// TestCompileAccepts lists inputs near the edges of the rules that the API
// server accepts.
func TestCompileAccepts(t *testing.T) {
	for _, in := range []string{
		shopDB(`{"podSelector":{}}`),
		`{"metadata":{"namespace":"a","name":"a.b-c.d"},"spec":{"podSelector":{}}}`,
		`{"metadata":{"namespace":"` + strings.Repeat("n", 63) + `","name":"` + strings.Repeat("a", 253) + `"},"spec":{"podSelector":{}}}`,
		shopDB(`{"podSelector":{},"ingress":[{"ports":[{"port":1},{"port":65535,"endPort":65535},{"port":"abcdefghijklmno"},{"port":"h-2"},{"protocol":"SCTP"}]}]}`),
		shopDB(`{"podSelector":{},"egress":[{"to":[{"ipBlock":{"cidr":"0.0.0.0/0","except":["0.0.0.0/1","255.255.255.255/32"]}}]}]}`),
		shopDB(`{"podSelector":{},"egress":[{"to":[{"ipBlock":{"cidr":"::/0","except":["::/1","ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"]}}]}]}`),
		shopDB(`{"podSelector":{},"egress":[{"to":[{"ipBlock":{"cidr":"192.168.1.1/24","except":["192.168.1.7/25"]}}]}]}`),
		shopDB(`{"podSelector":{},"egress":[{"to":[{"ipBlock":{"cidr":"10.0.0.0/8","except":["::ffff:10.1.0.0/112"]}}]}]}`),
		shopDB(`{"podSelector":{},"policyTypes":["Egress","Egress"]}`),
		shopDB(`{"podSelector":{},"policyTypes":["Egress","Ingress"]}`),
	} {
		if _, err := Compile(decode(t, in)); err != nil {
			t.Errorf("Compile(%s) failed:\n%v", in, err)
		}
		if err := Validate(decode(t, in)); err != nil {
			t.Errorf("Validate(%s) failed:\n%v", in, err)
		}
	}
}

func TestCompileNil(t *testing.T) {
	p, err := Compile(nil)
	if p != nil || err == nil || err.Error() != "policy: nil NetworkPolicy" {
		t.Errorf("Compile(nil) = %v, %v; want nil, policy: nil NetworkPolicy", p, err)
	}
	if err := Validate(nil); err == nil || err.Error() != "policy: nil NetworkPolicy" {
		t.Errorf("Validate(nil) = %v; want policy: nil NetworkPolicy", err)
	}
}

// TestValidateAllocates: Validate of a valid policy without ipBlocks
// allocates nothing; it builds no selectors, rules or peers.
func TestValidateAllocates(t *testing.T) {
	np := decode(t, shopDB(`{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"team":"a"}}},{"podSelector":{"matchExpressions":[{"key":"tier","operator":"In","values":["web"]}]}}],"ports":[{"port":"http"},{"port":9000,"endPort":9100,"protocol":"TCP"}]}],"egress":[{}]}`))
	if n := testing.AllocsPerRun(100, func() {
		if err := Validate(np); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("Validate: %v allocations", n)
	}
}
