// Shows a failed security-key prompt on the page (allauth's webauthn.js only logs it).
document.addEventListener('allauth.error', function (event) {
  const box = document.getElementById('webauthn-error')
  if (!box) {
    return
  }
  event.preventDefault()
  box.textContent = 'The security key did not answer or the prompt was cancelled. Please try again.'
  box.hidden = false
})
