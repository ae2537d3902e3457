"""The attendee pages as plain HTML (issue 20): Starlette routes served by `st.App` beside Streamlit.

No Streamlit here: these pages are HTML forms answered with 303 redirects,
rendered from Jinja2 templates with autoescaping, through the same Store and
rules as the Streamlit attendee screens. The modules, lowest first:

- nodelay: TCP_NODELAY on the listening socket (the App's lifespan sets it)
- store: the process's Store and shared reads
- device: what identifies a phone (its cookie) and how every POST is checked
- answers: a poll's answers in words; now, wall, table, feedback: the pages' view-models
- render: templates, the inline stylesheet and the security headers
- pages, wall_pages, table_pages, feedback_pages: the handlers;
  asgi: the routes, the printed-link redirect and the lifespan
"""
