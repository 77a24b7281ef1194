package sandbox

// Registered lists the simulators New mounts by default. Each marketplace
// adds its factory here, e.g.
//
//	func(env kit.Env) Simulator { return amazonsim.New(env) },
var Registered = []Factory{}
