package handlers

import (
	"errors"
	"net/http"

	"github.com/gorilla/sessions"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/views"
)

const (
	sessionCookie = "renkei_session"
	sessionMaxAge = 12 * 60 * 60 // a working day; log in again the next
)

func newSessionStore(secret []byte, secure bool) *sessions.CookieStore {
	cs := sessions.NewCookieStore(SubKey(secret, "session auth"), SubKey(secret, "session encryption"))
	cs.Options = &sessions.Options{
		Path:     "/",
		MaxAge:   sessionMaxAge,
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteLaxMode,
	}
	return cs
}

// session returns the request's session; a missing or tampered cookie gives
// an empty new one.
func (h *handler) session(r *http.Request) *sessions.Session {
	// On a cookie that does not decode (old key, tampering) Get still
	// returns a new empty session, cached for the rest of the request.
	s, _ := h.sessions.Get(r, sessionCookie)
	return s
}

// sessionUser returns the user logged in on r, if the session is valid: the
// user exists, is enabled, and the session was issued for the user's
// current session version (a password reset or disabling ends it).
func (h *handler) sessionUser(r *http.Request) (domain.User, bool, error) {
	s := h.session(r)
	id, ok1 := s.Values["uid"].(int64)
	ver, ok2 := s.Values["ver"].(int)
	if !ok1 || !ok2 {
		return domain.User{}, false, nil
	}
	u, err := h.Store.UserByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return u, false, nil
	}
	if err != nil {
		return u, false, err
	}
	if u.Disabled || u.SessionVersion != ver {
		return u, false, nil
	}
	return u, true, nil
}

// startSession replaces whatever r's session held by a fresh one for u:
// nothing from before login (flashes, a forged session) carries over. The
// request's session object is reused so later saves in the same request
// (flash messages) write the new session, not the old one.
func (h *handler) startSession(w http.ResponseWriter, r *http.Request, u domain.User) error {
	s := h.session(r)
	opts := *h.sessions.Options
	s.Options = &opts
	s.Values = map[any]any{"uid": u.ID, "ver": u.SessionVersion}
	return s.Save(r, w)
}

// endSession deletes the session cookie.
func (h *handler) endSession(w http.ResponseWriter, r *http.Request) error {
	s := h.session(r)
	s.Values = map[any]any{}
	s.Options.MaxAge = -1
	return s.Save(r, w)
}

// flash stores a one-time message shown on the next page rendered.
func (h *handler) flash(w http.ResponseWriter, r *http.Request, kind, text string) {
	s := h.session(r)
	s.AddFlash(kind + "\x00" + text)
	if err := s.Save(r, w); err != nil {
		h.Logger.Warn("save flash", "err", err)
	}
}

// popFlashes takes the pending flash messages out of the session.
func (h *handler) popFlashes(w http.ResponseWriter, r *http.Request) []views.Flash {
	s := h.session(r)
	raw := s.Flashes()
	if len(raw) == 0 {
		return nil
	}
	if err := s.Save(r, w); err != nil {
		h.Logger.Warn("save session", "err", err)
	}
	var out []views.Flash
	for _, f := range raw {
		str, _ := f.(string)
		for i := 0; i < len(str); i++ {
			if str[i] == 0 {
				out = append(out, views.Flash{Kind: str[:i], Text: str[i+1:]})
				break
			}
		}
	}
	return out
}
