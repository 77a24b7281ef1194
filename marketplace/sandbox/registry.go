package sandbox

import (
	"github.com/renkei-oss/renkei/marketplace/sandbox/amazonsim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/futureshopsim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/interparksim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
	"github.com/renkei-oss/renkei/marketplace/sandbox/rakutensim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/shopservesim"
)

// Registered lists the simulators New mounts by default. Each marketplace
// adds its factory here, e.g.
//
//	func(env kit.Env) Simulator { return amazonsim.New(env) },
var Registered = []Factory{
	func(env kit.Env) Simulator { return rakutensim.New(env) },
	func(env kit.Env) Simulator { return amazonsim.New(env) },
	func(env kit.Env) Simulator { return futureshopsim.New(env) },
	func(env kit.Env) Simulator { return interparksim.New(env) },
	func(env kit.Env) Simulator { return shopservesim.New(env) },
}
