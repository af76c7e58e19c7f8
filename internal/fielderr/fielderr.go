package fielderr

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Message renders e as "path: problem". The bad value is quoted for invalid
// and unsupported values so that the reader sees what was given.
func Message(e *field.Error) string {
	var msg string
	switch e.Type {
	case field.ErrorTypeInvalid:
		msg = fmt.Sprintf("invalid value %s", quote(e.BadValue))
		if e.Detail != "" {
			msg += ": " + e.Detail
		}
	case field.ErrorTypeNotSupported:
		msg = fmt.Sprintf("unsupported value %s", quote(e.BadValue))
		if e.Detail != "" {
			msg += ": " + e.Detail
		}
	default:
		msg = e.Detail
		if msg == "" {
			msg = strings.ToLower(e.Type.String())
		}
	}
	if e.Field == "" {
		return OneLine(msg)
	}
	return OneLine(e.Field + ": " + msg)
}

// OneLine returns s with every control character (a line break, a tab, a
// NUL…) written as its Go escape, so that a name or value taken from input
// cannot break a one-problem-a-line message in two. s without control
// characters is returned as is.
func OneLine(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func quote(v any) string {
	if s, ok := v.(fmt.Stringer); ok {
		return strconv.Quote(s.String())
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
		return strconv.Quote(rv.String())
	}
	return fmt.Sprintf("%v", v)
}

// Lines renders errs one a line, each line starting with prefix and ": ".
// The order of errs is kept. Control characters in prefix and in the
// messages are escaped (see [OneLine]), so the result has exactly len(errs)
// lines.
func Lines(prefix string, errs field.ErrorList) string {
	prefix = OneLine(prefix)
	var b strings.Builder
	for i, e := range errs {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(prefix)
		b.WriteString(": ")
		b.WriteString(Message(e))
	}
	return b.String()
}
