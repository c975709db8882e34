package forms

import (
	"bytes"
	"context"
	"image"
	_ "image/gif" // Image reads GIF, JPEG and PNG, the formats every browser shows
	_ "image/jpeg"
	_ "image/png"
	"io"
	"mime/multipart"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Cleared is the value of a file field whose "clear" box was checked
// with no new upload (Django's False): the stored file is to be removed.
// A struct field receives its zero value.
type Cleared struct{}

// File is an upload, Django's FileField: the value is the
// *multipart.FileHeader, or nil when nothing was sent (the stored file
// stays; a required File with an initial value is satisfied by it), or
// Cleared. The content is checked, never the type the client claims.
type File struct {
	// MaxSize bounds the size in bytes (0: no bound beyond the request's).
	MaxSize int64
	// MaxNameLength bounds the file name in characters (0: none).
	MaxNameLength int
	// Types lists the media types allowed, as http.DetectContentType
	// sniffs them from the first 512 bytes ("application/pdf",
	// "image/png", "text/plain; charset=utf-8"): a prefix matches, so
	// "image/" allows every image. Empty allows any content.
	Types []string
	// Extensions lists the file name extensions allowed, without the dot.
	Extensions []string
	// AllowEmpty accepts a file of zero bytes.
	AllowEmpty bool
}

func (f File) Convert(_ context.Context, in Raw) (any, error) {
	var fh *multipart.FileHeader
	if len(in.Files) > 0 {
		fh = in.Files[len(in.Files)-1]
	}
	if fh == nil {
		if len(in.Values) > 0 && in.Value() != "" {
			// A file name sent as text: the form lacks enctype="multipart/form-data".
			return nil, newError("invalid_file", nil)
		}
		if in.Clear {
			return Cleared{}, nil
		}
		return nil, nil
	}
	if in.Clear {
		return nil, newError("contradiction", nil)
	}
	name := fh.Filename
	if name == "" || !utf8.ValidString(name) || strings.ContainsRune(name, 0) {
		return nil, newError("invalid_file", nil)
	}
	if n := utf8.RuneCountInString(name); f.MaxNameLength > 0 && n > f.MaxNameLength {
		return nil, newError("max_filename_length", map[string]any{"max": f.MaxNameLength, "length": n})
	}
	if fh.Size == 0 && !f.AllowEmpty {
		return nil, newError("empty", nil)
	}
	if f.MaxSize > 0 && fh.Size > f.MaxSize {
		return nil, newError("file_too_large", map[string]any{"limit_value": f.MaxSize, "show_value": fh.Size})
	}
	if len(f.Types) > 0 {
		sniffed, err := sniff(fh)
		if err != nil {
			return nil, newError("invalid_file", nil)
		}
		if !slices.ContainsFunc(f.Types, func(t string) bool { return strings.HasPrefix(sniffed, t) }) {
			return nil, newError("invalid_file_type", map[string]any{"type": sniffed, "allowed": strings.Join(f.Types, ", ")})
		}
	}
	return fh, nil
}

// sniff returns the media type of the upload's content.
func sniff(fh *multipart.FileHeader) (string, error) {
	r, err := fh.Open()
	if err != nil {
		return "", err
	}
	defer r.Close()
	buf := make([]byte, 512)
	n, err := io.ReadFull(r, buf)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", err
	}
	return http.DetectContentType(buf[:n]), nil
}

func (f File) Validators() []Validator {
	if len(f.Extensions) == 0 {
		return nil
	}
	return []Validator{FileExtension(f.Extensions...)}
}

func (f File) Format(v any, loc *time.Location) []string {
	switch v := v.(type) {
	case *multipart.FileHeader:
		if v == nil {
			return nil
		}
		return []string{v.Filename}
	case Cleared:
		return nil
	}
	return formatAny(v, loc)
}

func (f File) Widget() Widget { return ClearableFileInput{} }

func (f File) attrs() []Attr {
	var accept []string
	for _, e := range f.Extensions {
		accept = append(accept, "."+strings.TrimPrefix(e, "."))
	}
	if len(accept) == 0 {
		return nil
	}
	return []Attr{{"accept", strings.Join(accept, ",")}}
}

// Image is an uploaded GIF, JPEG or PNG, Django's ImageField: File's
// checks, then the content must decode as an image
// (image.DecodeConfig, which reads the header, not the pixels) within
// MaxWidth × MaxHeight pixels (0: no bound). The value is as File's.
type Image struct {
	File
	MaxWidth, MaxHeight int
}

func (im Image) Convert(ctx context.Context, in Raw) (any, error) {
	v, err := im.File.Convert(ctx, in)
	fh, ok := v.(*multipart.FileHeader)
	if err != nil || !ok {
		return v, err
	}
	r, err := fh.Open()
	if err != nil {
		return nil, newError("invalid_image", nil)
	}
	defer r.Close()
	head := make([]byte, 64<<10) // headers fit: DecodeConfig never reads pixel data
	n, _ := io.ReadFull(r, head)
	cfg, _, err := image.DecodeConfig(bytes.NewReader(head[:n]))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, newError("invalid_image", nil)
	}
	if (im.MaxWidth > 0 && cfg.Width > im.MaxWidth) || (im.MaxHeight > 0 && cfg.Height > im.MaxHeight) {
		return nil, newError("image_too_large", map[string]any{"max_width": im.MaxWidth, "max_height": im.MaxHeight, "width": cfg.Width, "height": cfg.Height})
	}
	return fh, nil
}

func (im Image) Widget() Widget { return ClearableFileInput{Attrs: Attrs{{"accept", "image/*"}}} }

// uploadName is the file name of an upload value.
func uploadName(v any) (string, bool) {
	fh, ok := v.(*multipart.FileHeader)
	if !ok || fh == nil {
		return "", false
	}
	return path.Base(strings.ReplaceAll(fh.Filename, `\`, "/")), true
}
