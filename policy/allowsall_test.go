package policy

import "testing"

func TestRuleAllowsAll(t *testing.T) {
	for _, tc := range []struct {
		spec    string
		ingress []bool
	}{
		{`{"podSelector":{},"ingress":[{}]}`, []bool{true}},
		{`{"podSelector":{},"ingress":[{"from":[{"namespaceSelector":{}}]}]}`, []bool{true}},
		{`{"podSelector":{},"ingress":[{"from":[{"namespaceSelector":{},"podSelector":{}}]}]}`, []bool{true}},
		{`{"podSelector":{},"ingress":[{"from":[{"podSelector":{}},{"namespaceSelector":{}}]}]}`, []bool{true}},
		{`{"podSelector":{},"ingress":[{"from":[{"podSelector":{}}]}]}`, []bool{false}},
		{`{"podSelector":{},"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"a":"b"}}}]}]}`, []bool{false}},
		{`{"podSelector":{},"ingress":[{"from":[{"namespaceSelector":{},"podSelector":{"matchLabels":{"a":"b"}}}]}]}`, []bool{false}},
		{`{"podSelector":{},"ingress":[{"ports":[{"port":80}]}]}`, []bool{false}},
		{`{"podSelector":{},"ingress":[{"from":[{"namespaceSelector":{}}],"ports":[{"port":53}]}]}`, []bool{false}},
		{`{"podSelector":{},"ingress":[{"from":[{"ipBlock":{"cidr":"0.0.0.0/0"}}]}]}`, []bool{false}},
	} {
		p, err := Compile(decode(t, shopDB(tc.spec)))
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range p.IngressRules {
			if got := r.AllowsAll(); got != tc.ingress[i] {
				t.Errorf("%s: ingress[%d].AllowsAll() = %v; want %v", tc.spec, i, got, tc.ingress[i])
			}
		}
	}
}
