//go:build integration

package kpi

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestHTMLScreenshotInChromium renders the sample scorecard in each
// language, opens it in headless Chromium and checks that the screenshot
// shows something: a PNG of the window's size with many colours. With
// KPI_SCREENSHOT_DIR set, the screenshots are copied there as
// report-LANG.png for a person to look at.
//
//	go test -tags integration -run Screenshot ./kpi
func TestHTMLScreenshotInChromium(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium is not installed (Debian's package); install it with:\napt-get install -y chromium")
	}
	for _, lang := range []string{"en", "es", "pl"} {
		t.Run(lang, func(t *testing.T) {
			dir := t.TempDir()
			page := filepath.Join(dir, "report.html")
			var b bytes.Buffer
			if err := recommended(lang).WriteHTML(&b); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			shot := filepath.Join(dir, "out.png")
			// The deadline only keeps a hung browser from hanging the run.
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, chromium, "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
				"--user-data-dir="+filepath.Join(dir, "profile"), "--screenshot="+shot, "--window-size=1200,1600", "file://"+page)
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("chromium: %v\n%s", err, out)
			}
			data, err := os.ReadFile(shot)
			if err != nil {
				t.Fatalf("no screenshot: %v", err)
			}
			if len(data) < 20_000 {
				t.Errorf("screenshot is only %d bytes", len(data))
			}
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if got := img.Bounds().Size(); got != (image.Point{1200, 1600}) {
				t.Errorf("screenshot is %v, want 1200x1600", got)
			}
			if n := distinctColours(img); n < 50 {
				t.Errorf("screenshot has %d colours: the page looks blank", n)
			}
			if out := os.Getenv("KPI_SCREENSHOT_DIR"); out != "" {
				if err := os.WriteFile(filepath.Join(out, "report-"+lang+".png"), data, 0o644); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

func distinctColours(img image.Image) int {
	seen := map[[4]uint32]bool{}
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, ca := img.At(x, y).RGBA()
			seen[[4]uint32{cr, cg, cb, ca}] = true
		}
	}
	return len(seen)
}
