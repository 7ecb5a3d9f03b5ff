# The deployment files (deploy/: the image's Dockerfile, the compose file, the PostgreSQL
# init files) checked without a container engine (tests/deploy): the image's entry point,
# environment and HEALTHCHECK, and each compose service's command and healthcheck, run on
# this machine against a real Redis and a real PostgreSQL the test starts.
#
#   make deploy-check   pytest tests/deploy (redis-server from scripts/setup.sh; PostgreSQL,
#                       psycopg and psycopg_pool from scripts/setup-examples-python.sh)

.PHONY: deploy-check

deploy-check: setup python-wheel examples-python-setup
	$(PYTEST) tests/deploy

TEST_TARGETS += deploy-check
