// Show only the identity fields that fit the chosen kind of party (person or company).
(function () {
  function sync(scope) {
    var checked = scope.querySelector('input[type=radio][name$="kind"]:checked');
    if (!checked) return;
    scope.querySelectorAll('[data-kind]').forEach(function (el) {
      el.classList.toggle('d-none', el.getAttribute('data-kind') !== checked.value);
    });
  }
  document.querySelectorAll('[data-kind-scope], form').forEach(function (scope) {
    if (scope.tagName === 'FORM' && scope.querySelector('[data-kind-scope]')) return;
    sync(scope);
    scope.addEventListener('change', function (e) {
      if (e.target.matches('input[type=radio][name$="kind"]')) sync(scope);
    });
  });
})();
