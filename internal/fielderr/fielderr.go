package fielderr

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

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
		return msg
	}
	return e.Field + ": " + msg
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
// The order of errs is kept.
func Lines(prefix string, errs field.ErrorList) string {
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
