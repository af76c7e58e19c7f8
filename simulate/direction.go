package simulate

import "fmt"

// Direction is a direction of traffic as seen from the pod a policy
// selects: what it receives (Ingress) or what it sends (Egress). The zero
// value is no direction; methods that take one report it as an error.
type Direction uint8

const (
	Ingress Direction = iota + 1 // traffic the pod receives: spec.ingress
	Egress                       // traffic the pod sends: spec.egress
)

// String returns "ingress", "egress", or "Direction(N)" for any other value.
func (d Direction) String() string {
	switch d {
	case Ingress:
		return "ingress"
	case Egress:
		return "egress"
	}
	return fmt.Sprintf("Direction(%d)", uint8(d))
}

// MarshalText encodes d as "ingress" or "egress" (so JSON shows the word);
// any other value is an error.
func (d Direction) MarshalText() ([]byte, error) {
	if d.index() < 0 {
		return nil, fmt.Errorf("simulate: cannot encode %s", d)
	}
	return []byte(d.String()), nil
}

// UnmarshalText decodes "ingress" or "egress"; anything else is an error.
func (d *Direction) UnmarshalText(b []byte) error {
	switch string(b) {
	case "ingress":
		*d = Ingress
	case "egress":
		*d = Egress
	default:
		return fmt.Errorf("simulate: direction %q: want ingress or egress", b)
	}
	return nil
}

// index returns the engine's number of d (ingress 0, egress 1), or -1.
func (d Direction) index() int {
	if d == Ingress || d == Egress {
		return int(d) - 1
	}
	return -1
}

// directionOf returns the Direction of the engine's number d.
func directionOf(d int) Direction { return Direction(d + 1) }
