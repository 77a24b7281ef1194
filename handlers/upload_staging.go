package handlers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/upload"
	"github.com/renkei-oss/renkei/views"
)

// previewRowLimit bounds the new/changed rows shown in a preview; counts and
// invalid rows are always complete.
const previewRowLimit = 200

// Every upload (商品マスタ, 外部商品対応表, 在庫) goes the same way: the file
// is decoded and staged, the browser is sent to its preview, and 反映 applies
// the staged rows. The helpers below are that shared shape; each upload
// brings only its own staging call, columns and cells.

// stageUpload decodes the uploaded file, stages it with stage and redirects
// to its preview at previewPath/{id}. It returns the message for the form
// when the file is refused; done reports that the response is written.
func (h *handler) stageUpload(w http.ResponseWriter, r *http.Request, name string, data []byte, previewPath string,
	stage func(t *upload.Table, meta store.Upload) (*store.Upload, error)) (msg string, done bool) {
	t, err := upload.Read(bytes.NewReader(data))
	if err == nil {
		uid := currentUser(r).ID
		var u *store.Upload
		if u, err = stage(t, store.Upload{Filename: name, CreatedBy: &uid}); err == nil {
			redirect(w, r, fmt.Sprintf("%s/%d", previewPath, u.ID))
			return "", true
		}
	}
	if m, ok := uploadMessage(err); ok {
		return m, false
	}
	h.serverError(w, r, err)
	return "", true
}

// targetUpload loads the staged upload of the {id} path segment.
func (h *handler) targetUpload(w http.ResponseWriter, r *http.Request, kind string) (*store.Upload, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r)
		return nil, false
	}
	u, err := h.Store.GetUpload(r.Context(), id, kind)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return nil, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return nil, false
	}
	return u, true
}

// uploadPreview loads the staged upload of the {id} path segment with its
// invalid rows and its first staged rows (made into table rows by rows), as
// the parts of views.PreviewData every upload shares; the caller adds its
// heading, columns and links. ok is false when the response is written.
func (h *handler) uploadPreview(w http.ResponseWriter, r *http.Request, kind string,
	rows func(ctx context.Context, id int64) ([]views.PreviewRow, error)) (*store.Upload, views.PreviewData, bool) {
	u, ok := h.targetUpload(w, r, kind)
	if !ok {
		return nil, views.PreviewData{}, false
	}
	errs, err := h.Store.UploadErrors(r.Context(), u.ID)
	if err != nil {
		h.serverError(w, r, err)
		return nil, views.PreviewData{}, false
	}
	staged, err := rows(r.Context(), u.ID)
	if err != nil {
		h.serverError(w, r, err)
		return nil, views.PreviewData{}, false
	}
	return u, views.PreviewData{
		Admin: currentUser(r).IsAdmin(), ID: u.ID, Filename: u.Filename, Encoding: u.Encoding,
		Counts: u.Counts, Errors: errs, Rows: staged,
		Applicable: u.Applicable(), Applied: u.AppliedAt != nil,
	}, true
}
