package orderimport

import (
	"context"
	"errors"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/registry"
)

// Searchers opens a connection's order searcher through the registry; a
// marketplace whose client cannot search gets nil, which the runner
// reports as 未対応.
func Searchers(cl registry.Clients) SearcherFunc {
	return func(_ context.Context, c domain.Connection, rec marketplace.CallRecorder) (marketplace.OrderSearcher, error) {
		s, err := registry.Open[marketplace.OrderSearcher](cl, c, rec)
		if errors.Is(err, registry.ErrUnsupported) {
			return nil, nil
		}
		return s, err
	}
}
