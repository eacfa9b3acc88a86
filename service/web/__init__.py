"""The pages for people (officers, inspectors, employers, admins), served under ``/`` by the
same application as the API: server-rendered HTML that works without JavaScript, every text
from ``locales/{kk,ru,en}.json``, calling the same use cases as the API with the logged-in
account as the actor."""
