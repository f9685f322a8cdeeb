from django.http import HttpResponse


def home(request):
    return HttpResponse("")


def mine(request):
    return HttpResponse("")
