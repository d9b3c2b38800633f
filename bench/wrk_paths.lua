-- wrk script (issue 11): every request asks for a path drawn at random from a file,
-- one path a line, so a load run spreads over many pages instead of one (a cache then
-- misses as it would for real visitors).
--
--   wrk -t2 -c50 -d30s --latency -s bench/wrk_paths.lua http://127.0.0.1:8790 -- paths.txt [seed]
--
-- Each wrk thread has its own Lua state: each reads the file and draws with its own seed
-- (the seed given, default 1, plus the thread's number), so a run is repeatable.

local counter = 0

function setup(thread)
    counter = counter + 1
    thread:set("number", counter)
end

local paths = {}

function init(args)
    local file = args[1] or error("give the file of paths after --")
    for line in io.lines(file) do
        if #line > 0 then
            paths[#paths + 1] = line
        end
    end
    if #paths == 0 then
        error(file .. " holds no paths")
    end
    math.randomseed(tonumber(args[2] or "1") * 1000 + (number or 0))
end

function request()
    return wrk.format("GET", paths[math.random(#paths)])
end
