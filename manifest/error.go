package manifest

import (
	"strconv"
	"strings"
	"unicode"
)

// Error is the error returned by [LoadPaths] and [LoadReader] when the input
// has problems. It lists every problem found, in input order.
type Error struct {
	// Problems is never empty.
	Problems []Problem
}

// Error renders one problem a line, in the form of [Problem.String].
func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Unwrap returns the underlying errors of the problems that have one, so
// that errors.Is(err, fs.ErrNotExist) and errors.As(err, new(*policy.Error))
// work on the error of a load.
func (e *Error) Unwrap() []error {
	var errs []error
	for _, p := range e.Problems {
		if p.Err != nil {
			errs = append(errs, p.Err)
		}
	}
	return errs
}

// Problem is one thing wrong with the input.
type Problem struct {
	// Source is where the problem is.
	Source Source
	// Kind, Namespace and Name identify the object concerned as far as they
	// are known (after namespace defaulting); any of them may be empty.
	Kind, Namespace, Name string
	// Field is the path of the field concerned inside the object, such as
	// spec.ingress[0].ports[1].endPort, or empty.
	Field string
	// Message says what is wrong, in lowercase, on one line.
	Message string
	// Err is the underlying error, if any: an *fs.PathError for a file that
	// cannot be read, a *policy.Error for an invalid NetworkPolicy.
	Err error
}

// String renders p on one line in the form
//
//	manifest: deploy/db.yaml: document 2 (line 14): NetworkPolicy shop/db: spec.ingress[0].ports[1].endPort: <message>
//
// leaving out the parts that are not known.
func (p Problem) String() string {
	return line(p.Source, p.Kind, p.Namespace, p.Name, p.Field, p.Message)
}

// line renders one notice or problem.
func line(src Source, kind, namespace, name, field, msg string) string {
	parts := []string{"manifest: " + src.String()}
	if obj := objectLabel(quoteControl(kind), quoteControl(namespace), quoteControl(name)); obj != "" {
		parts = append(parts, obj)
	}
	if field != "" {
		parts = append(parts, quoteControl(field))
	}
	parts = append(parts, oneLine(msg))
	return strings.Join(parts, ": ")
}

// quoteControl quotes s, Go style, if it holds control characters such as
// line breaks, which would break the one-line form of a message.
func quoteControl(s string) string {
	if strings.ContainsFunc(s, unicode.IsControl) {
		return strconv.Quote(s)
	}
	return s
}

// objectLabel renders an object as "Kind namespace/name", "Kind name" for a
// cluster-scoped object, leaving out what is not known.
func objectLabel(kind, namespace, name string) string {
	id := name
	if name != "" && namespace != "" {
		id = namespace + "/" + name
	}
	switch {
	case kind == "":
		return id
	case id == "":
		return kind
	default:
		return kind + " " + id
	}
}

var lineBreaks = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

// oneLine keeps a message on one line.
func oneLine(s string) string {
	return lineBreaks.Replace(strings.TrimSpace(s))
}
