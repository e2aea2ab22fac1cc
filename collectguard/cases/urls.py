from django.urls import path

from collectguard.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="create"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/archive/", views.case_archive, name="archive"),
    path("<int:pk>/delete/", views.case_delete_view, name="delete"),
]
