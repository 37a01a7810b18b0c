'use strict';
// The sign-in form posts to /auth/login; the service answers 302 to returnUrl, or to /login?error=1.
(function () {
  const query = new URLSearchParams(window.location.search);
  if (query.get('error')) {
    document.getElementById('login-error').hidden = false;
  }
  const returnUrl = query.get('returnUrl') || query.get('ReturnUrl');
  // Only a path on this service: never send the nurse to another site after sign-in.
  if (returnUrl && returnUrl.startsWith('/') && !returnUrl.startsWith('//')) {
    document.getElementById('returnUrl').value = returnUrl;
  }
})();
