package kit

// Env is what the composite sandbox hands every simulator it builds: the
// shared clock, the seed and the rate-limit scale.
type Env struct {
	Clock *Clock
	Seed  int64
	// RateFactor scales every published limit; <= 0 switches limits off.
	RateFactor float64
}

// Stat is one figure a simulator shows per shop on the sandbox page.
type Stat struct {
	Label string
	Value int
}
