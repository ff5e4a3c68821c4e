-- spmd_types.lua: the spmd-lsp language server (SPMD type checking for spmd_types code) in Neovim.
--
-- Install the server (it is not on PyPI): from a checkout of the spmd-lsp repository,
--   pipx install /path/to/spmd-lsp                       -- puts spmd-lsp and spmd-check on PATH
-- or build a wheel there (python -m build) and `pipx install dist/spmd_lsp-0.1.0-py3-none-any.whl`,
-- or `pip install` the wheel into your project's virtualenv (Python 3.11 or newer).
-- Then put this file on your runtimepath as lua/spmd_types.lua (e.g. ~/.config/nvim/lua/spmd_types.lua)
-- and in init.lua:
--
--   require('spmd_types').setup()                       -- defaults
--   require('spmd_types').setup({                        -- or with options
--     cmd = { '/path/to/venv/bin/spmd-lsp' },            -- default: see M.default_cmd()
--     inlay_hints = true,                                -- types after assignment targets (0.10+)
--     settings = { spmdTypes = { meshAxes = { 'dp', 'tp' }, strictMode = 'permissive' } },
--   })
--
-- Inlay hints need two switches: the server sends them only with spmdTypes.inlayHints = true, and
-- Neovim (0.10+) shows them only once vim.lsp.inlay_hint.enable(true) is called. `inlay_hints = true`
-- does both (for the buffers this server attaches to); toggle later with
--   :lua vim.lsp.inlay_hint.enable(not vim.lsp.inlay_hint.is_enabled())
--
-- Neovim 0.11+: uses vim.lsp.config('spmd_types', {...}) + vim.lsp.enable('spmd_types').
-- Neovim 0.7-0.10: starts the client itself on FileType python (vim.lsp.start from 0.8,
-- vim.lsp.start_client + vim.lsp.buf_attach_client on 0.7).
-- With nvim-lspconfig, see M.lspconfig() at the end of this file.
local M = {}

local function is_executable(path)
  return path and path ~= '' and vim.fn.executable(path) == 1
end

--- The server command: an activated virtualenv's spmd-lsp, else `spmd-lsp` on PATH,
--- else `python3 -m spmd_lsp`.
function M.default_cmd()
  local venv = os.getenv('VIRTUAL_ENV') or os.getenv('CONDA_PREFIX')
  if venv then
    local exe = venv .. '/bin/spmd-lsp'
    if is_executable(exe) then return { exe } end
  end
  if is_executable('spmd-lsp') then return { 'spmd-lsp' } end
  return { 'python3', '-m', 'spmd_lsp' }
end

M.root_markers = { 'pyproject.toml', 'setup.py', 'setup.cfg', 'requirements.txt', '.git' }

--- Server settings, sent as initializationOptions {spmdTypes = ...} and answered for the
--- workspace/configuration section "spmdTypes". meshAxes/strictMode left out = the project's
--- [tool.spmd-check] settings in pyproject.toml apply.
M.default_settings = {
  spmdTypes = {
    inlayHints = false,
    logLevel = 'warning',
    -- meshAxes = { 'dp', 'tp' },
    -- strictMode = 'strict',  -- or 'permissive'
  },
}

--- on_attach with inlay hints turned on in Neovim for the buffer (0.10+; a no-op before).
local function with_inlay_hints(on_attach)
  return function(client, bufnr)
    local ih = vim.lsp.inlay_hint
    if type(ih) == 'table' and ih.enable then
      pcall(ih.enable, true, { bufnr = bufnr })
    end
    if on_attach then on_attach(client, bufnr) end
  end
end

local function merged(opts)
  opts = opts or {}
  local settings = vim.tbl_deep_extend('force', {}, M.default_settings, opts.settings or {})
  local on_attach = opts.on_attach
  if opts.inlay_hints then
    settings.spmdTypes.inlayHints = true
    on_attach = with_inlay_hints(on_attach)
  end
  return {
    cmd = opts.cmd or M.default_cmd(),
    filetypes = opts.filetypes or { 'python' },
    root_markers = opts.root_markers or M.root_markers,
    settings = settings,
    init_options = { spmdTypes = settings.spmdTypes },
    on_attach = on_attach,
    capabilities = opts.capabilities,
  }
end

--- The project root of `fname`: the nearest directory with one of the root markers, else its directory.
local function find_root(fname, markers)
  local dir = vim.fn.fnamemodify(fname, ':p:h')
  if vim.fs and vim.fs.find then -- 0.8+
    local found = vim.fs.find(markers, { path = dir, upward = true })[1]
    return found and vim.fn.fnamemodify(found, ':h') or dir
  end
  for _, marker in ipairs(markers) do -- 0.7
    local hit = vim.fn.findfile(marker, dir .. ';')
    if hit == '' then hit = vim.fn.finddir(marker, dir .. ';') end
    if hit ~= '' then return (vim.fn.fnamemodify(hit, ':p:h'):gsub('/%.git$', '')) end
  end
  return dir
end

function M.setup(opts)
  local cfg = merged(opts)
  if vim.lsp.config and vim.lsp.enable then -- Neovim 0.11+
    vim.lsp.config('spmd_types', cfg)
    vim.lsp.enable('spmd_types')
    return
  end
  -- Neovim 0.7-0.10: one client per root directory, started on FileType python.
  local clients = {}
  local group = vim.api.nvim_create_augroup('spmd_types_lsp', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = cfg.filetypes,
    callback = function(args)
      local bufnr = args.buf
      local fname = vim.api.nvim_buf_get_name(bufnr)
      if fname == '' or vim.bo[bufnr].buftype ~= '' then return end
      local root = find_root(fname, cfg.root_markers)
      local config = {
        name = 'spmd_types',
        cmd = cfg.cmd,
        root_dir = root,
        settings = cfg.settings,
        init_options = cfg.init_options,
        on_attach = cfg.on_attach,
        capabilities = cfg.capabilities,
      }
      if vim.lsp.start then -- 0.8-0.10: reuses a running client with the same name and root
        vim.lsp.start(config, { bufnr = bufnr })
        return
      end
      local id = clients[root] -- 0.7
      if not id or vim.lsp.get_client_by_id(id) == nil then
        id = vim.lsp.start_client(config)
        clients[root] = id
      end
      if id then vim.lsp.buf_attach_client(bufnr, id) end
    end,
  })
  -- The current buffer may already be a Python file when setup() runs late.
  if vim.bo.filetype == 'python' then
    vim.api.nvim_exec_autocmds('FileType', { group = group, pattern = 'python', buffer = 0 })
  end
end

--- nvim-lspconfig style: register `spmd_types` as a server configuration, then
---   require('spmd_types').lspconfig()
---   require('lspconfig').spmd_types.setup({ settings = { spmdTypes = { strictMode = 'permissive' } } })
function M.lspconfig(opts)
  local configs = require('lspconfig.configs')
  local util = require('lspconfig.util')
  local cfg = merged(opts)
  if not configs.spmd_types then
    configs.spmd_types = {
      default_config = {
        cmd = cfg.cmd,
        filetypes = cfg.filetypes,
        root_dir = util.root_pattern(unpack(cfg.root_markers)),
        settings = cfg.settings,
        init_options = cfg.init_options,
      },
      docs = { description = 'spmd-lsp: static SPMD type checking for PyTorch code using spmd_types' },
    }
  end
end

return M
