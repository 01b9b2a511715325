local value = string.rep("v", 1024)
local n = 0
wrk.method = "PUT"
wrk.body = value
wrk.headers["Content-Type"] = "text/plain"
wrk.headers["Authorization"] = "Bearer $TOKEN"
request = function()
  n = n + 1
  return wrk.format(nil, "/api/v1/kv/kv-bench/k" .. (n % 100))
end
