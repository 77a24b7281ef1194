package handlers

import (
	"net/http"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/views"
)

// bannerSource computes standing notices for the logged-in user, shown on
// every page (e.g. marketplace credentials about to expire). A feature adds
// one by appending to bannerSources from an init func in its own file.
type bannerSource func(h *handler, r *http.Request, u domain.User) []views.Banner

var bannerSources []bannerSource

func (h *handler) banners(r *http.Request, u domain.User) []views.Banner {
	var out []views.Banner
	for _, src := range bannerSources {
		out = append(out, src(h, r, u)...)
	}
	return out
}
