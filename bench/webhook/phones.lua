-- Each request comes from another phone, as a gateway's traffic does: the router keeps one
-- sender's messages in order, so a single phone would measure one ordered lane, not the endpoint.
local counter = 0

request = function()
  counter = counter + 1
  local phone = string.format("%%2B2567%08d", counter % 100000)
  return wrk.format("GET", "/sms?phone=" .. phone .. "&message=Habari%20yako%3F")
end
