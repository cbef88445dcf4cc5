-- Drives Neovim's own LSP client against shipcheck and writes what it saw as JSON (read by neovim.test.ts).
-- Runs with `nvim --headless --clean -n [-u init.lua] -S check.lua`; the settings come from the JSON file
-- named by $SHIPCHECK_NVIM_CHECK:
--   cmd         the server command; when null the client must come from the init file (the README's setup)
--   root        the workspace folder
--   files       files to open, each checked in turn
--   apply       { file, title }: apply that quick-fix and wait for its diagnostic to go
--   timeout_ms  bound on every wait and request
--   report      where to write the result
-- Written for Neovim 0.7: no vim.fs, no vim.lsp.start, no `nvim -l`.

local config = vim.fn.json_decode(table.concat(vim.fn.readfile(os.getenv('SHIPCHECK_NVIM_CHECK')), '\n'))
local report = { files = {} }
local timeout = config.timeout_ms

local function fail(message)
  error(message, 0)
end

-- The document version of the server's last publication for each URI, so a wait can tell a fresh
-- result from an old one (Neovim keeps showing old diagnostics until new ones arrive).
local published_version = {}
local publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, handler_config)
  if result then published_version[result.uri] = result.version end
  return publish(err, result, ctx, handler_config)
end

-- The direct way: one client started by hand, attached to each buffer below.
local client_id
if config.cmd ~= vim.NIL then
  client_id = vim.lsp.start_client({ name = 'shipcheck', cmd = config.cmd, root_dir = config.root })
  if not client_id then fail('vim.lsp.start_client returned nil for ' .. table.concat(config.cmd, ' ')) end
end

local function open(path)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  if client_id then
    vim.bo[bufnr].filetype = 'yaml'
    if not vim.lsp.buf_attach_client(bufnr, client_id) then fail('buf_attach_client failed for ' .. path) end
  end
  return bufnr
end

local function attached_names(bufnr)
  local names = {}
  for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do table.insert(names, client.name) end
  table.sort(names)
  return names
end

-- Plain data for the report (vim.diagnostic entries also carry buffer numbers and namespaces).
local function plain(diagnostic)
  return {
    code = diagnostic.code,
    source = diagnostic.source,
    severity = diagnostic.severity,
    lnum = diagnostic.lnum,
    col = diagnostic.col,
    end_lnum = diagnostic.end_lnum,
    end_col = diagnostic.end_col,
    message = diagnostic.message,
  }
end

-- The diagnostic as the server sent it, for a code action's context (the server matches rule id, range and data).
-- Columns are bytes in Neovim and UTF-16 units in LSP: the fixtures are ASCII, where the two agree.
local function as_lsp(diagnostic)
  local lsp = diagnostic.user_data and diagnostic.user_data.lsp or {}
  return vim.tbl_extend('force', lsp, {
    range = {
      start = { line = diagnostic.lnum, character = diagnostic.col },
      ['end'] = { line = diagnostic.end_lnum, character = diagnostic.end_col },
    },
    message = diagnostic.message,
    source = diagnostic.source,
    code = diagnostic.code,
    severity = diagnostic.severity,
  })
end

-- The one response of the request (only shipcheck is attached), or an error naming what went wrong.
local function request(bufnr, method, params)
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, timeout)
  if not responses then fail(method .. ': ' .. tostring(err)) end
  for _, response in pairs(responses) do
    if response.error then fail(method .. ': ' .. vim.inspect(response.error)) end
    return response.result
  end
  fail(method .. ': no response')
end

local function hover_text(bufnr, diagnostic)
  local result = request(bufnr, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = diagnostic.lnum, character = diagnostic.col },
  })
  if result == nil or result == vim.NIL then return vim.NIL end
  local contents = result.contents
  return type(contents) == 'table' and contents.value or contents
end

local function code_actions(bufnr, diagnostic)
  local lsp = as_lsp(diagnostic)
  local result = request(bufnr, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = lsp.range,
    context = { diagnostics = { lsp } },
  })
  if result == nil or result == vim.NIL then return {} end
  return result
end

local function titles(actions)
  local found = {}
  for _, action in ipairs(actions) do table.insert(found, action.title) end
  return found
end

local function check(path)
  local bufnr = open(path)
  local arrived = vim.wait(timeout, function() return #vim.diagnostic.get(bufnr) > 0 end, 20)
  local entry = { path = path, filetype = vim.bo[bufnr].filetype, clients = attached_names(bufnr), diagnostics = {} }
  table.insert(report.files, entry)
  if not arrived then return end
  for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
    local item = plain(diagnostic)
    item.hover = hover_text(bufnr, diagnostic)
    item.actions = titles(code_actions(bufnr, diagnostic))
    table.insert(entry.diagnostics, item)
  end
  table.sort(entry.diagnostics, function(a, b) return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col) end)
end

-- Applies the quick-fix titled config.apply.title through Neovim's own workspace-edit code, waits for the
-- server's findings on the edited version, and records whether the diagnostic it fixed is gone.
local function apply_fix(path, title)
  local bufnr = vim.fn.bufnr(path)
  local uri = vim.uri_from_bufnr(bufnr)
  for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
    for _, action in ipairs(code_actions(bufnr, diagnostic)) do
      if action.title == title and action.edit then
        vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
        local version = vim.lsp.util.buf_versions[bufnr]
        local rechecked = vim.wait(timeout, function() return published_version[uri] == version end, 20)
        local gone = true
        for _, current in ipairs(vim.diagnostic.get(bufnr, { lnum = diagnostic.lnum })) do
          if current.code == diagnostic.code then gone = false end
        end
        report.applied = {
          title = title,
          line = vim.api.nvim_buf_get_lines(bufnr, diagnostic.lnum, diagnostic.lnum + 1, true)[1],
          rechecked = rechecked,
          diagnostic_gone = gone,
          remaining = vim.tbl_map(plain, vim.diagnostic.get(bufnr)),
        }
        return
      end
    end
  end
  report.applied = { title = title, missing = true }
end

local ok, err = xpcall(function()
  for _, path in ipairs(config.files) do check(path) end
  if config.apply ~= vim.NIL and config.apply ~= nil then apply_fix(config.apply.file, config.apply.title) end
end, debug.traceback)
if not ok then report.error = err end
report.servers = 0
for _, client in pairs(vim.lsp.get_active_clients()) do
  if client.name == 'shipcheck' then report.servers = report.servers + 1 end
end
vim.fn.writefile({ vim.fn.json_encode(report) }, config.report)
-- Changed buffers are thrown away: the fixture on disk stays as it was.
vim.cmd(ok and 'qa!' or 'cquit! 1')
