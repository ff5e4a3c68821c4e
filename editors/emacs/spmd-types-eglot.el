;;; spmd-types-eglot.el --- Eglot setup for spmd-lsp (SPMD type checking for spmd_types code)  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "28.1") (eglot "1.9"))
;; Keywords: languages, tools
;; URL: https://github.com/spmd-lsp/spmd-lsp

;;; Commentary:

;; Static SPMD type diagnostics, hovers and quick fixes for PyTorch code written with
;; `spmd_types', from the spmd-lsp language server, in Eglot.
;;
;; Install the server (it is not on PyPI): from a checkout of the spmd-lsp repository,
;;   pipx install /path/to/spmd-lsp        ; puts spmd-lsp (and spmd-check) on PATH
;; or build a wheel there (python -m build) and pipx install or pip install
;; dist/spmd_lsp-0.1.0-py3-none-any.whl into your project's virtualenv (Python 3.11+).
;; Then, in your init file:
;;
;;   (load "/path/to/spmd-types-eglot.el")
;;   (spmd-types-eglot-setup)
;;   (add-hook 'python-mode-hook #'eglot-ensure)      ; optional: start automatically
;;
;; Settings: M-x customize-group RET spmd-types, or per project in .dir-locals.el:
;;
;;   ((python-mode . ((eglot-workspace-configuration
;;                     . (:spmdTypes (:meshAxes ["dp" "tp"] :strictMode "permissive"))))))
;;
;; Eglot runs one server per major mode and project: while this is set up, python-mode
;; buffers use spmd-lsp instead of another Python server (pylsp, pyright).
;;
;; Inlay hints (the SPMD type after each assignment target): set `spmd-types-inlay-hints'
;; to t and, with Emacs 29+ / Eglot 1.10+, turn on `eglot-inlay-hints-mode' in the buffer.

;;; Code:

(require 'eglot)

(defgroup spmd-types nil
  "SPMD type checking for spmd_types code with the spmd-lsp language server."
  :group 'eglot
  :prefix "spmd-types-")

(defcustom spmd-types-server-command nil
  "Command (program and arguments) that starts spmd-lsp.
nil: the activated virtualenv's spmd-lsp (`python-shell-virtualenv-root',
$VIRTUAL_ENV), else spmd-lsp on `exec-path', else \"python3 -m spmd_lsp\"."
  :type '(choice (const :tag "Find it" nil) (repeat string)))

(defcustom spmd-types-mesh-axes nil
  "Names of the device-mesh axes for code whose mesh is built elsewhere, e.g. (\"dp\" \"tp\").
nil: use mesh-axes from [tool.spmd-check] in pyproject.toml."
  :type '(repeat string))

(defcustom spmd-types-strict-mode nil
  "\"strict\" or \"permissive\"; nil: use strict-mode from [tool.spmd-check]."
  :type '(choice (const :tag "Project setting" nil) (const "strict") (const "permissive")))

(defcustom spmd-types-inlay-hints nil
  "Whether the server sends inlay hints with the SPMD types of assigned tensors."
  :type 'boolean)

(defcustom spmd-types-log-level "warning"
  "How much the server logs (to the events buffer): error, warning, info or debug."
  :type '(choice (const "error") (const "warning") (const "info") (const "debug")))

(defun spmd-types-settings ()
  "The `spmdTypes' settings object, as a plist for JSON."
  (append (list :inlayHints (if spmd-types-inlay-hints t :json-false)
                :logLevel spmd-types-log-level)
          (when spmd-types-mesh-axes (list :meshAxes (vconcat spmd-types-mesh-axes)))
          (when spmd-types-strict-mode (list :strictMode spmd-types-strict-mode))))

(defun spmd-types-eglot--command ()
  "The server command line, see `spmd-types-server-command'."
  (or spmd-types-server-command
      (let* ((venv (or (bound-and-true-p python-shell-virtualenv-root) (getenv "VIRTUAL_ENV")))
             (exe (and venv (expand-file-name "bin/spmd-lsp" venv))))
        (and exe (file-executable-p exe) (list exe)))
      (let ((exe (executable-find "spmd-lsp"))) (and exe (list exe)))
      (list "python3" "-m" "spmd_lsp")))

(defun spmd-types-eglot-contact (&optional _interactive)
  "Eglot contact for spmd-lsp: the command, and initializationOptions {spmdTypes: ...}."
  (append (spmd-types-eglot--command)
          (list :initializationOptions
                (lambda (_server) (list :spmdTypes (spmd-types-settings))))))

(defun spmd-types-eglot-workspace-configuration (_server)
  "Answer workspace/configuration for the section spmdTypes."
  (list :spmdTypes (spmd-types-settings)))

;;;###autoload
(defun spmd-types-eglot-setup ()
  "Use spmd-lsp for Python buffers in Eglot."
  (interactive)
  (add-to-list 'eglot-server-programs
               (cons '(python-mode python-ts-mode) #'spmd-types-eglot-contact))
  ;; Answer workspace/configuration from the customizations above, unless the user already
  ;; configured Eglot globally (a project's .dir-locals.el still takes precedence).
  (unless (default-value 'eglot-workspace-configuration)
    (setq-default eglot-workspace-configuration #'spmd-types-eglot-workspace-configuration)))

(provide 'spmd-types-eglot)
;;; spmd-types-eglot.el ends here
