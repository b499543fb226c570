// cem ui: live reload of a running run's page, and the review token.
(function () {
  var live = document.querySelector('[data-live]');
  if (live && window.EventSource) {
    var es = new EventSource(live.getAttribute('data-live'));
    es.addEventListener('change', function () { es.close(); location.reload(); });
  }
  var token = document.getElementById('token'), who = document.getElementById('who');
  if (token) {
    token.value = sessionStorage.getItem('cem-token') || '';
    who.value = sessionStorage.getItem('cem-who') || '';
    document.querySelectorAll('form.decide').forEach(function (f) {
      f.addEventListener('submit', function () {
        sessionStorage.setItem('cem-token', token.value);
        sessionStorage.setItem('cem-who', who.value);
        f.elements.token.value = token.value;
        f.elements.who.value = who.value;
      });
    });
  }
})();
