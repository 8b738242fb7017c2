"""The one security header Django 5.2's SecurityMiddleware does not set.

Every script PolicyBase serves is a static file of its own (Chart.js and our
scripts; the admin's too), so a Content-Security-Policy can forbid inline
script outright: text that slipped through escaping still could not run.
Inline styles stay allowed: the admin and our category bars set widths with
``style=``, and a style cannot run code.
"""

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def content_security_policy(get_response):
    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response

    return middleware
