# The two commands of the README: `make run` and `make test`. Everything else is a convenience.
.PHONY: run test build asan bench-http format tidy clean stop-db

run:
	@bash scripts/run.sh

test:
	@bash scripts/test.sh

build:
	@bash scripts/deps.sh && cmake --preset release >/dev/null && cmake --build --preset release

asan:
	@bash scripts/deps.sh && cmake --preset asan >/dev/null && cmake --build --preset asan

bench-http:
	@bash bench/http.sh

format:
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

tidy: build
	@git ls-files 'server/*.cpp' | xargs clang-tidy -p build/release --quiet

stop-db:
	@bash scripts/pg.sh stop

clean:
	rm -rf build
