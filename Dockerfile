# The portal's image for compose.yaml: the Debian packages records need (Japanese fonts, the fast
# HarfBuzz subsetter, gettext) and the pinned Python dependencies.
FROM python:3.13-slim-trixie
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        gettext fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# Production's static storage writes the manifest the pages need; these values only let the settings load.
RUN python manage.py compilemessages --ignore=.venv -v0 \
    && DJANGO_ENV=production SECRET_KEY=image-build ALLOWED_HOSTS=build.invalid DATABASE_URL=sqlite:////tmp/build.db \
       RECORD_SIGNING_PKCS12=/dev/null LOG_SIGNING_KEY=/dev/null PORTAL_BASE_URL=https://build.invalid \
       python manage.py collectstatic --noinput -v0
RUN useradd --system --uid 10001 portal && mkdir -p /data && chown portal /data
ENV DATA_DIR=/data GUNICORN_BIND=0.0.0.0:8000
USER portal
