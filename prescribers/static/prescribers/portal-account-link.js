/* Prescriber profile page: search for a practitioner's portal account, then offer only the
   clinics of the selected account. The server checks the pair again when the page is saved. */
(function () {
  "use strict";

  var search = document.getElementById("portal-account-search");
  var accountSelect = document.getElementById("id_portal_account");
  var clinicSelect = document.getElementById("id_link_clinic");
  var status = document.getElementById("portal-account-search-status");
  if (!search || !accountSelect || !clinicSelect) {
    return;
  }

  var clinicsByAccount = {};
  var timer = null;
  var latestQuery = "";

  function option(value, label) {
    var element = document.createElement("option");
    element.value = value;
    element.textContent = label;
    return element;
  }

  function showAccounts(results) {
    var chosen = accountSelect.value;
    accountSelect.replaceChildren(
      option("", results.length ? "— choose one of " + results.length + " accounts —" : "— no account found —")
    );
    results.forEach(function (account) {
      clinicsByAccount[String(account.id)] = account.clinics;
      accountSelect.appendChild(option(account.id, account.label));
    });
    if (chosen && clinicsByAccount[chosen]) {
      accountSelect.value = chosen;
    } else {
      showClinics();
    }
  }

  function showClinics() {
    var clinics = clinicsByAccount[accountSelect.value] || [];
    clinicSelect.replaceChildren(option("", "— choose the clinic —"));
    clinics.forEach(function (clinic) {
      clinicSelect.appendChild(option(clinic.id, clinic.label));
    });
    if (clinics.length === 1) {
      clinicSelect.value = String(clinics[0].id);
    }
  }

  function runSearch() {
    var query = search.value.trim();
    latestQuery = query;
    if (query.length < 2) {
      status.textContent = "Type at least two letters.";
      return;
    }
    status.textContent = "Searching…";
    fetch(search.dataset.url + "?q=" + encodeURIComponent(query), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (query !== latestQuery) {
          return;
        }
        showAccounts(data.results);
        status.textContent = data.results.length
          ? data.results.length + " account(s) found: choose one below."
          : "No practitioner portal account matches “" + query + "”.";
      })
      .catch(function () {
        status.textContent = "The search did not work; please try again.";
      });
  }

  search.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(runSearch, 250);
  });
  search.addEventListener("keydown", function (event) {
    // Enter searches now instead of submitting the profile form.
    if (event.key === "Enter") {
      event.preventDefault();
      window.clearTimeout(timer);
      runSearch();
    }
  });
  accountSelect.addEventListener("change", showClinics);
})();
