// Package k8sname checks the common shapes of Kubernetes names and labels
// without regular expressions. Each function reports exactly what the
// matching apimachinery validation accepts (a property test holds them
// equal); callers use it as a fast path and ask apimachinery only for the
// messages of a rejected value.
package k8sname

// alnum reports whether b is an ASCII letter or digit; lower restricts
// letters to a-z.
func alnum(b byte, lower bool) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || !lower && b >= 'A' && b <= 'Z'
}

// dnsLabel reports whether s is an RFC 1123 label of any length: lower
// case letters, digits and '-', starting and ending with a letter or digit.
func dnsLabel(s string) bool {
	if s == "" || !alnum(s[0], true) || !alnum(s[len(s)-1], true) {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if !alnum(s[i], true) && s[i] != '-' {
			return false
		}
	}
	return true
}

// DNS1123Label is validation.IsDNS1123Label reporting no errors.
func DNS1123Label(s string) bool { return len(s) <= 63 && dnsLabel(s) }

// DNS1123Subdomain is validation.IsDNS1123Subdomain reporting no errors.
func DNS1123Subdomain(s string) bool {
	if len(s) > 253 {
		return false
	}
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if !dnsLabel(s[start:i]) {
				return false
			}
			start = i + 1
		}
	}
	return true
}

// name reports whether s is the name part of a qualified name: 1 to 63
// letters, digits, '-', '_' and '.', starting and ending with a letter or
// digit.
func name(s string) bool {
	if s == "" || len(s) > 63 || !alnum(s[0], false) || !alnum(s[len(s)-1], false) {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if b := s[i]; !alnum(b, false) && b != '-' && b != '_' && b != '.' {
			return false
		}
	}
	return true
}

// LabelValue is validation.IsValidLabelValue reporting no errors: empty, or
// a name part.
func LabelValue(s string) bool { return s == "" || name(s) }

// LabelKey is validation.IsQualifiedName reporting no errors: a name part,
// optionally after a DNS subdomain prefix and '/'.
func LabelKey(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return i > 0 && DNS1123Subdomain(s[:i]) && name(s[i+1:])
		}
	}
	return name(s)
}

// PortName is validation.IsValidPortName reporting no errors: an IANA
// service name of 1 to 15 characters a-z, 0-9 and '-', with at least one
// letter, not starting or ending with '-' and without "--".
func PortName(s string) bool {
	if s == "" || len(s) > 15 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	letter := false
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b >= 'a' && b <= 'z':
			letter = true
		case b >= '0' && b <= '9':
		case b == '-':
			if s[i-1] == '-' {
				return false
			}
		default:
			return false
		}
	}
	return letter
}
