package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/upload"
	"github.com/renkei-oss/renkei/views"
)

// exportCSV answers a master export in UTF-8 (BOM) or Shift_JIS (?enc=sjis).
// When Shift_JIS cannot hold some characters, the operator first sees how
// many and which, and downloads with them replaced by 〓 only on confirm=1.
// rows is a slice of one of upload's row structs, which define the header.
func (h *handler) exportCSV(w http.ResponseWriter, r *http.Request, label, file string, rows any) {
	enc := upload.ExportUTF8
	if r.FormValue("enc") == upload.ExportShiftJIS {
		enc = upload.ExportShiftJIS
	}
	var buf bytes.Buffer
	rep, err := upload.WriteCSV(&buf, enc, rows)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if rep.Count > 0 && r.FormValue("confirm") != "1" {
		q := r.URL.Query()
		q.Set("confirm", "1")
		u8 := r.URL.Query()
		u8.Set("enc", upload.ExportUTF8)
		h.page(w, r, http.StatusOK, label+"の出力", views.ExportCheck(views.ExportCheckData{
			Name: label, Replaced: rep.Count, Chars: strings.Join(strings.Split(string(rep.Chars), ""), "、"),
			DownloadURL: r.URL.Path + "?" + q.Encode(), UTF8URL: r.URL.Path + "?" + u8.Encode(),
		}))
		return
	}
	name := fmt.Sprintf("%s_%s_%s.csv", file, enc, h.Now().In(views.Tokyo).Format("20060102-1504"))
	charset := "utf-8"
	if enc == upload.ExportShiftJIS {
		charset = "shift_jis"
		// Say it in the response too, for scripts fetching exports.
		w.Header().Set("X-Replaced-Characters", fmt.Sprint(rep.Count))
	}
	w.Header().Set("Content-Type", "text/csv; charset="+charset)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(w)
}

// csvTemplate serves an upload template in UTF-8 with BOM: the header of
// example's row struct (the same the export writes) and that example row.
func (h *handler) csvTemplate(w http.ResponseWriter, r *http.Request, file string, example any) {
	var buf bytes.Buffer
	if _, err := upload.WriteCSV(&buf, upload.ExportUTF8, example); err != nil {
		h.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", "attachment; filename="+file)
	_, _ = buf.WriteTo(w)
}

// uploadsRefused maps a whole-file refusal to its message; other errors are
// the server's fault.
// unknownChannelMessage answers a mapping for a connection that is gone.
const unknownChannelMessage = "販売チャネルが見つかりません（削除された可能性があります）。一覧にある販売チャネルを選び直してください。"

func uploadMessage(err error) (string, bool) {
	if upload.IsFileError(err) {
		return err.Error(), true
	}
	if errors.Is(err, store.ErrUnknownConnection) {
		return unknownChannelMessage, true
	}
	return "", false
}

// uploadedFile returns the "file" part of a multipart upload, refusing
// bodies over the size limit before reading them whole.
func uploadedFile(w http.ResponseWriter, r *http.Request) (name string, data []byte, msg string) {
	// Multipart overhead on top of the file itself.
	r.Body = http.MaxBytesReader(w, r.Body, upload.MaxBytes+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		if strings.Contains(err.Error(), "too large") {
			return "", nil, "ファイルが大きすぎます。上限は20MBです。ファイルを分けてアップロードしてください。"
		}
		return "", nil, "ファイルを受け取れませんでした。もう一度選んでアップロードしてください。"
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return "", nil, "ファイルを選んでください。"
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(f); err != nil {
		return "", nil, "ファイルを読めませんでした。もう一度アップロードしてください。"
	}
	return hdr.Filename, buf.Bytes(), ""
}
