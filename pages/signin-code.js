// Runs first on /signin, before any other script or stylesheet loads (a classic script in <head>):
// an invitation link's `#code=…` is moved out of the address bar and the history at once, and kept
// for this tab only until signin.js posts it (POST /session) and forgets it.
(() => {
  const code = new URLSearchParams(location.hash.slice(1)).get('code');
  if (!code) return;
  try {
    sessionStorage.setItem('signin.code', code);
  } catch {}
  history.replaceState(null, '', location.pathname + location.search);
})();
