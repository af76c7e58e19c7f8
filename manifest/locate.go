package manifest

import (
	"strconv"
	"strings"
	"sync"

	yaml "go.yaml.in/yaml/v3"
)

// This file finds the line of a field, so that a problem names the line of
// the field it is about rather than the line where its document starts.
// Lines are looked up only for problems and notices: a load without them
// costs nothing here.

// maxLocateYAML bounds the YAML documents that are parsed a second time to
// find a field's line; in a larger one the object's line is given.
const maxLocateYAML = 8 << 20

// yamlTree is the node tree of a YAML document, parsed on first use.
type yamlTree struct {
	once sync.Once
	root *yaml.Node
}

// locate returns the source of the field at path (empty for the object
// itself) of o: o's source with the line of that field, or of the nearest
// enclosing value that can be found.
func (l *decoder) locate(o *object, path string) Source {
	src := o.src
	if path == "" && src.Item == "" {
		return src // the document's first content line
	}
	if line := o.d.fieldLine(o, path); line > 0 {
		src.Line = line
	}
	return src
}

// source returns where o is: its document's first content line, or the
// line of o in a list document.
func (o *object) source() Source {
	src := o.src
	if src.Item != "" {
		if line := o.d.fieldLine(o, ""); line > 0 {
			src.Line = line
		}
	}
	return src
}

// fieldLine returns the line of the field at path of o, or 0.
func (d *doc) fieldLine(o *object, path string) int {
	if d == nil || d.lines == nil {
		return 0
	}
	segs := pathSegments(path)
	if o.off >= 0 {
		start := o.off - d.off
		if start < 0 || start >= len(d.text) {
			return 0
		}
		return d.lines.at(o.off + jsonOffset(d.text[start:], segs))
	}
	if len(d.text) > maxLocateYAML {
		return 0
	}
	d.tree.once.Do(func() {
		var n yaml.Node
		if yaml.Unmarshal(d.text, &n) == nil {
			d.tree.root = &n
		}
	})
	if d.tree.root == nil {
		return 0
	}
	segs = append(pathSegments(o.src.Item), segs...)
	return d.lineBase - 1 + yamlLineOf(d.tree.root, segs)
}

// segment is a step of a field path: a member name, or an index when key
// is empty and index is not negative.
type segment struct {
	key   string
	index int
}

// pathSegments splits a field path such as spec.ports[0].name or
// metadata.labels[app.kubernetes.io/name] into its steps.
func pathSegments(path string) []segment {
	var segs []segment
	for path != "" {
		switch path[0] {
		case '.':
			path = path[1:]
		case '[':
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return append(segs, segment{key: path[1:], index: -1})
			}
			in := path[1:end]
			if i, err := strconv.Atoi(in); err == nil && i >= 0 {
				segs = append(segs, segment{index: i})
			} else {
				segs = append(segs, segment{key: in, index: -1})
			}
			path = path[end+1:]
		default:
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				end = len(path)
			}
			segs = append(segs, segment{key: path[:end], index: -1})
			path = path[end:]
		}
	}
	return segs
}

// jsonOffset returns the offset in the JSON text raw of the value at segs,
// or of the deepest value on the way that exists.
func jsonOffset(raw []byte, segs []segment) int {
	at := skipSpace(raw, 0)
	for _, s := range segs {
		end, ok := skipValue(raw, at)
		if !ok {
			return at
		}
		v := raw[at:end]
		found := -1
		if s.index >= 0 {
			elements(v, func(i int, _ []byte, off int) {
				if i == s.index {
					found = off
				}
			})
		} else {
			members(v, func(f member) bool {
				if f.key == s.key {
					found = f.off
					return false
				}
				return true
			})
		}
		if found < 0 {
			return at
		}
		at += found
	}
	return at
}

// yamlLineOf returns the line, counted from the document's first line, of
// the value at segs in the YAML tree n (the key's line for a member), or
// of the deepest one on the way that exists.
func yamlLineOf(n *yaml.Node, segs []segment) int {
	line := n.Line
	for n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, s := range segs {
		for n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		var next *yaml.Node
		nextLine := 0
		switch {
		case s.index >= 0 && n.Kind == yaml.SequenceNode && s.index < len(n.Content):
			next = n.Content[s.index]
			nextLine = next.Line
		case s.index < 0 && n.Kind == yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == s.key {
					next, nextLine = n.Content[i+1], n.Content[i].Line
				}
			}
		}
		if next == nil {
			return line
		}
		n, line = next, nextLine
	}
	return line
}
