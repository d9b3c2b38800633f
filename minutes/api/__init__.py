"""The archive's read API under /api/: JSON for code, notebooks and spreadsheets.

Django REST framework with drf-spectacular, which describes every endpoint in OpenAPI 3
(/api/schema/) and serves interactive docs (/api/docs/) from this site's own files
(drf-spectacular-sidecar). Why this pair and not django-ninja: the lists' filters are
django-filter FilterSets (minutes.filters), which DRF takes as they are
(`DjangoFilterBackend`) and drf-spectacular documents parameter by parameter, so the API's
`?jaar=2021&ministerie=ezk` is the site's, validated by the same code; and cursor
pagination is built in. django-ninja would have needed every filter restated as a
pydantic schema, a second vocabulary to keep in step with the site's.

Conventions: field names in English, dates ISO 8601, `url` the HTML page's absolute
address, `api_url` the record's own; lists are cursor-paginated (`next`, `previous`);
parameters are the site's (one name per concept: a filtered list's query string works
on its API list unchanged); a bad or unknown parameter is a 400 naming it. No login;
GET only; CORS open to every origin; `ETag` per archive version and address, so a
client polling with `If-None-Match` gets a 304 without the archive being read.
"""
