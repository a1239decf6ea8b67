-- wrk script: every request carries one pre-made single-use DPoP proof (and, for the token
-- endpoint, its form body): lines of FILE split between wrk's threads.
--   wrk -s lines.lua URL -- FILE THREADS METHOD PATH [TOKEN [SCHEME]]
-- With SCHEME Bearer the line goes in an ignored X-Bench-Pad header: the same client work and
-- request size as the DPoP run, so the two figures differ only by what the server does.
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  local file, threads = args[1], tonumber(args[2])
  method, path, token, scheme = args[3], args[4], args[5], args[6] or "DPoP"
  lines = {}
  local i = 0
  for l in io.lines(file) do
    if i % threads == id then lines[#lines + 1] = l end
    i = i + 1
  end
  n = 0
end

function request()
  n = n + 1
  local line = lines[n] or "exhausted"
  local proof, body = line:match("^([^\t]*)\t(.*)$")
  if proof == nil then proof = line end
  local headers = {}
  if scheme == "Bearer" then headers["X-Bench-Pad"] = proof else headers["DPoP"] = proof end
  if token then headers["Authorization"] = scheme .. " " .. token end
  if body then headers["Content-Type"] = "application/x-www-form-urlencoded" end
  return wrk.format(method, path, headers, body)
end
