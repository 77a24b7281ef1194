package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

const chromiumPath = "/usr/bin/chromium"

// ensureChromium makes sure the browser and PDF tests can run: Debian's
// Chromium, a Japanese font (without one, Japanese renders as boxes in
// screenshots), poppler and zbar. As root it installs what is missing; otherwise it stops
// with the command to run.
func ensureChromium() error {
	missing := missingBrowserPackages()
	if len(missing) == 0 {
		return nil
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("the browser and PDF tests need %s: run `sudo apt-get install -y --no-install-recommends %s`, then `make test` again",
			strings.Join(missing, " and "), strings.Join(missing, " "))
	}
	fmt.Fprintf(os.Stderr, "devenv: installing %s with apt-get\n", strings.Join(missing, " "))
	for _, args := range [][]string{
		{"update"},
		append([]string{"install", "-y", "--no-install-recommends"}, missing...),
	} {
		cmd := exec.Command("apt-get", append([]string{"-o", "DPkg::Lock::Timeout=300"}, args...)...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("apt-get %s: %w", args[0], err)
		}
	}
	if m := missingBrowserPackages(); len(m) > 0 {
		return errors.New("still missing after apt-get: " + strings.Join(m, " "))
	}
	return nil
}

func missingBrowserPackages() []string {
	var missing []string
	if !isExec(chromiumPath) {
		missing = append(missing, "chromium")
	}
	if _, err := os.Stat("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"); err != nil {
		missing = append(missing, "fonts-ipafont-gothic")
	}
	return append(missing, missingPaperTools()...)
}
