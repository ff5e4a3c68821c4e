-- Headless Neovim test of editors/nvim/spmd_types.lua against spmd-lsp (Neovim 0.7.2 and 0.11+).
-- Run by run.sh:  SPMD_LSP_CMD="/venv/bin/spmd-lsp" SPMD_REPO=/repo nvim --headless -n -i NONE -u test_lsp.lua FILE
-- Checks: the diagnostic (code, range), the hover on a tensor, inlay hints (0.10+: setup's inlay_hints
-- option turns them on in Neovim and in the server), the preferred quick fix applied (buffer text after
-- it, diagnostic gone), and a re-check after an edit that brings the bug back.
-- Exit 0 = pass; on failure every failed check says what Neovim got instead.
local repo = assert(os.getenv('SPMD_REPO'), 'SPMD_REPO not set')
local cmd = vim.split(assert(os.getenv('SPMD_LSP_CMD'), 'SPMD_LSP_CMD not set'), ' ', { trimempty = true })
local timeout = tonumber(os.getenv('SPMD_TIMEOUT_MS') or '30000')

local CODE = 'spmd-partial-nonlinear'
local TYPE = '{dp: R, tp: P}'
local BUG_LNUM = 10 -- 0-based: `    y = torch.relu(x)`
-- the axis may be spelled "tp" or 'tp'
local FIXED_PATTERN = '^    y = torch%.relu%(spmd%.all_reduce%(x, ["\']tp["\'], src=P, dst=R%)%)$'
local FIXED = '    y = torch.relu(spmd.all_reduce(x, "tp", src=P, dst=R))'

local v = vim.version()
local tag = string.format('nvim %d.%d.%d', v.major, v.minor, v.patch)
local t0 = vim.loop.hrtime()
local failures = {}
local function log(msg)
  io.stdout:write(string.format('[%s %.1fs] %s\n', tag, (vim.loop.hrtime() - t0) / 1e9, msg))
end
local function check(ok, what, got)
  if ok then log('ok: ' .. what) else
    failures[#failures + 1] = what .. ': Neovim got ' .. got
    log('FAIL: ' .. what .. ': Neovim got ' .. got)
  end
  return ok
end

-- The shipped configuration, with the command under test.
dofile(repo .. '/editors/nvim/spmd_types.lua').setup({ cmd = cmd, inlay_hints = true })

local function client_for(bufnr)
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  for _, c in ipairs(get({ bufnr = bufnr })) do
    if c.name == 'spmd_types' then return c end
  end
  if vim.lsp.get_clients then return nil end
  -- 0.7: get_active_clients ignores the filter
  for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do
    if c.name == 'spmd_types' then return c end
  end
end

local function lsp_code(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

local function ours(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if lsp_code(d) == CODE then out[#out + 1] = d end
  end
  return out
end

local function describe(bufnr)
  local all = vim.diagnostic.get(bufnr)
  if #all == 0 then return 'no diagnostics' end
  local parts = {}
  for _, d in ipairs(all) do
    parts[#parts + 1] = string.format('[%s] line %d col %d-%s: %s', tostring(lsp_code(d)), d.lnum + 1, d.col + 1,
      tostring(d.end_col and d.end_col + 1), d.message)
  end
  return table.concat(parts, '; ')
end

local function finish()
  if #failures == 0 then
    log('RESULT: PASS')
    vim.cmd('qall!')
  else
    log(string.format('RESULT: FAIL (%d check(s))', #failures))
    for _, f in ipairs(failures) do io.stdout:write('  - ' .. f .. '\n') end
    vim.cmd('cquit! 1')
  end
end

local function run()
  local bufnr = vim.api.nvim_get_current_buf()
  log('file=' .. vim.api.nvim_buf_get_name(bufnr) .. ' ft=' .. vim.bo[bufnr].filetype .. ' cmd=' .. table.concat(cmd, ' '))
  local before = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)

  -- 1. the client attaches and the diagnostic arrives
  local client
  local attached = vim.wait(timeout, function() client = client_for(bufnr); return client ~= nil end, 50)
  if not check(attached, 'the spmd_types client attaches to the Python buffer', 'no client (see lsp.log under $XDG_STATE_HOME/nvim or $XDG_CACHE_HOME/nvim)') then return end
  local function dead() return vim.lsp.get_client_by_id(client.id) == nil end
  vim.wait(timeout, function() return #ours(bufnr) > 0 or dead() end, 50)
  local diags = ours(bufnr)
  local d = diags[1]
  if not check(#diags == 1 and d.lnum == BUG_LNUM and d.col == 19 and d.end_lnum == BUG_LNUM and d.end_col == 20,
    CODE .. ' on `x` in `torch.relu(x)` (line 11, col 20-21)', dead() and 'the server exited: ' .. describe(bufnr) or describe(bufnr)) then
    return
  end

  -- 2. hover on the tensor x
  local enc = client.offset_encoding or 'utf-16'
  local hover_params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = BUG_LNUM, character = 19 },
  }
  local resp = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', hover_params, timeout) or {}
  local hover, kind = nil, nil
  for _, r in pairs(resp) do
    if r.result and r.result.contents then
      local c = r.result.contents
      hover = type(c) == 'table' and (c.value or vim.inspect(c)) or tostring(c)
      kind = type(c) == 'table' and c.kind or nil
    elseif r.err then
      hover = 'error ' .. vim.inspect(r.err)
    end
  end
  check(hover and hover:find(TYPE, 1, true) and kind == 'markdown', 'hover on `x` in `torch.relu(x)` is Markdown with ' .. TYPE,
    string.format('kind=%s %q', tostring(kind), tostring(hover)))

  -- 2b. inlay hints (Neovim 0.10+): enabled in the buffer, and the server sends them
  local ih = vim.lsp.inlay_hint
  if type(ih) == 'table' and ih.is_enabled then
    check(ih.is_enabled({ bufnr = bufnr }), 'inlay hints are enabled in the buffer (setup{inlay_hints = true})', 'disabled')
    local last = vim.api.nvim_buf_line_count(bufnr)
    local ih_params = {
      textDocument = { uri = vim.uri_from_bufnr(bufnr) },
      range = { start = { line = 0, character = 0 }, ['end'] = { line = last, character = 0 } },
    }
    local labels = {}
    local got = vim.lsp.buf_request_sync(bufnr, 'textDocument/inlayHint', ih_params, timeout) or {}
    for _, r in pairs(got) do
      for _, h in ipairs(r.result or {}) do
        local label = h.label
        if type(label) == 'table' then
          local parts = {}
          for _, p in ipairs(label) do parts[#parts + 1] = p.value end
          label = table.concat(parts)
        end
        labels[#labels + 1] = string.format('%d:%s', h.position.line + 1, label)
      end
    end
    log('inlay hints: ' .. vim.inspect(labels))
    check(#labels > 0, 'the server sends inlay hints (spmdTypes.inlayHints = true)', vim.inspect(got))
  end

  -- 3. the preferred quick fix, applied the way a user would
  -- the LSP form of the diagnostic (0.7 keeps only some fields in user_data.lsp; the fixture is ASCII,
  -- so byte columns are UTF-16 columns)
  local lsp_diag = vim.tbl_extend('force', {
    range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } },
    message = d.message, severity = d.severity, source = d.source, code = lsp_code(d),
  }, d.user_data and d.user_data.lsp or {})
  vim.api.nvim_win_set_cursor(0, { BUG_LNUM + 1, 19 })
  local titles = {}
  if vim.fn.has('nvim-0.8') == 1 then
    -- vim.lsp.buf.code_action({apply=true}) applies the action when exactly one is left by the filter
    local seen = {}
    vim.lsp.buf.code_action({
      context = { only = { 'quickfix' }, diagnostics = { lsp_diag } },
      filter = function(a) seen[#seen + 1] = a.title; return a.isPreferred == true end,
      apply = true,
    })
    vim.wait(timeout, function()
      return vim.api.nvim_buf_get_lines(bufnr, BUG_LNUM, BUG_LNUM + 1, false)[1] ~= before[BUG_LNUM + 1]
    end, 50)
    titles = seen
  else
    -- 0.7: vim.lsp.buf.code_action() has no `apply`; request and apply the preferred action directly
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(bufnr) },
      range = lsp_diag.range,
      context = { only = { 'quickfix' }, diagnostics = { lsp_diag } },
    }
    local r = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, timeout) or {}
    for _, res in pairs(r) do
      for _, a in ipairs(res.result or {}) do
        titles[#titles + 1] = a.title
        if a.isPreferred and a.edit then vim.lsp.util.apply_workspace_edit(a.edit, enc) end
      end
    end
  end
  log('quick fixes offered: ' .. vim.inspect(titles))
  local preferred_title = false
  for _, t in ipairs(titles) do
    if t:find('all_reduce', 1, true) and t:find('all-reduce in forward', 1, true) and t:find('all-reduce in backward', 1, true) then
      preferred_title = true
    end
  end
  check(preferred_title, 'a quick fix titled "all_reduce ... (all-reduce in forward, all-reduce in backward)"', vim.inspect(titles))
  local after = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  local expected = vim.deepcopy(before)
  expected[BUG_LNUM + 1] = after[BUG_LNUM + 1]
  check(vim.deep_equal(after, expected) and after[BUG_LNUM + 1]:match(FIXED_PATTERN) ~= nil, 'after the quick fix, line 11 reads ' .. FIXED .. ' and nothing else changed',
    vim.inspect(after))

  -- 4. the re-check after the edit clears the diagnostic ...
  local cleared = vim.wait(timeout, function() return #ours(bufnr) == 0 end, 50)
  check(cleared, 'after the quick fix, the diagnostic is gone', describe(bufnr))

  -- ... and an edit that brings the bug back brings the diagnostic back
  vim.api.nvim_buf_set_lines(bufnr, BUG_LNUM, BUG_LNUM + 1, false, { '    y = torch.relu(x)' })
  local back = vim.wait(timeout, function() return #ours(bufnr) == 1 end, 50)
  check(back, 'after undoing the fix by an edit, the diagnostic is back', describe(bufnr))

  vim.lsp.stop_client(client.id)
  vim.wait(3000, dead, 50)
end

vim.api.nvim_create_autocmd('VimEnter', { once = true, callback = function()
  local ok, err = pcall(run)
  if not ok then failures[#failures + 1] = 'error in the test: ' .. tostring(err); log('ERROR: ' .. tostring(err)) end
  finish()
end })
